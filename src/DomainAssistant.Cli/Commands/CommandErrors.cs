using System.CommandLine;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// Turns the errors a user can cause (a missing file, a corrupt checkpoint, a bad option) into one line on
/// stderr and exit code 1, instead of a stack trace. Anything else is a bug and keeps its stack trace.
/// </summary>
public static class CommandErrors
{
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parse, cancellation) =>
        {
            try
            {
                return await action(parse, cancellation);
            }
            catch (Exception error) when (error is InvalidDataException or FileNotFoundException or DirectoryNotFoundException
                                              or ArgumentException or NotSupportedException or System.Data.Common.DbException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {error.Message}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("cancelled");
                return 130;
            }
        };
}
