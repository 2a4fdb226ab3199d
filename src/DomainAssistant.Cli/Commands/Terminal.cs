namespace DomainAssistant.Cli.Commands;

/// <summary>Whether progress may be redrawn in place: only on a terminal, where '\r' moves back to the line's start.</summary>
static class Terminal
{
    /// <summary>
    /// True when <paramref name="error"/> is the process's stderr and that is a terminal. A redirected stderr (a log
    /// file, a pipe, a test's writer) gets plain lines instead, since every '\r' redraw would stay in the file.
    /// </summary>
    public static bool IsTerminal(TextWriter error) => !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error);
}
