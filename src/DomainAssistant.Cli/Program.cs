using DomainAssistant.Cli;

// `da`: the DomainAssistant command line. Commands are listed in CliApplication.
return await CliApplication.Build().Parse(args).InvokeAsync();
