using DomainAssistant.Cli.Commands;
using System.CommandLine;
using System.CommandLine.Invocation;

namespace DomainAssistant.Cli;

/// <summary>The composition root of the command line: every command `da` knows.</summary>
public static class CliApplication
{
    public static RootCommand Build() => new("da: the DomainAssistant command line (models, tokenizers, training).")
    {
        GenerateCommand.Create(),
        ConvertCommand.Create(),
        InspectCommand.Create(),
        TokenizerCommand.Create(),
        TrainCommand.Create(),
        DataCommand.Create(),
        BootstrapCommand.Create(),
        FeedbackCommand.Create(),
        AlignCommand.Create(),
        EvalCommand.Create(),
        LineageCommand.Create(),
        KeysCommand.Create(),
    };

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command, as `da` does. A command line that does not parse (an unknown
    /// flag, a missing required option) gets its errors, typo suggestions and the help shown with them on stderr with
    /// exit code 1: System.CommandLine writes the help part to stdout, where a script reads the --json object.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        configuration ??= new InvocationConfiguration();
        var parse = Build().Parse(args);
        if (parse.Action is ParseErrorAction)
            configuration = new InvocationConfiguration
            {
                Output = configuration.Error, Error = configuration.Error,
                EnableDefaultExceptionHandler = configuration.EnableDefaultExceptionHandler,
                ProcessTerminationTimeout = configuration.ProcessTerminationTimeout,
            };
        return parse.InvokeAsync(configuration);
    }
}
