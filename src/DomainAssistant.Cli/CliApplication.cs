using DomainAssistant.Cli.Commands;
using System.CommandLine;

namespace DomainAssistant.Cli;

/// <summary>The composition root of the command line: every command `da` knows.</summary>
public static class CliApplication
{
    public static RootCommand Build() => new("da: the DomainAssistant command line (models, tokenizers, training).")
    {
        GenerateCommand.Create(),
        ConvertCommand.Create(),
        TokenizerCommand.Create(),
        TrainCommand.Create(),
        DataCommand.Create(),
        BootstrapCommand.Create(),
    };
}
