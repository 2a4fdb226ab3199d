using System.CommandLine;
using System.Text.Json;
using DomainAssistant.Cli;

namespace DomainAssistant.Alignment.Tests.Cli;

/// <summary>Runs `da` in-process with captured stdout and stderr, as the command-line tests of the training library do.</summary>
public static class CommandRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApplication.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The last non-empty stdout line as JSON (the --json contract).</summary>
    public static JsonElement LastLine(string output) =>
        JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]).RootElement.Clone();
}
