using DomainAssistant.Cli;
using DomainAssistant.Model.Threading;

// `da`: the DomainAssistant command line. Commands are listed in CliApplication.
OpenMpWaitPolicy.UsePassiveUnlessSet(); // before anything loads libtorch
return await CliApplication.InvokeAsync(args);
