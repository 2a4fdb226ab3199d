namespace DomainAssistant.Cli.Commands;

/// <summary>
/// Refuses text options that arrived as invalid UTF-8. On Linux .NET decodes argv as UTF-8 and silently turns every
/// invalid byte into U+FFFD before our code sees it, so the replacement character is the only trace left: a prompt
/// holding it would be tokenized as something the user never typed. The file options refuse such bytes already
/// (Utf8TextFile); this does the same for text given on the command line.
/// </summary>
static class Utf8Argument
{
    /// <summary>Returns <paramref name="value"/>, or throws naming <paramref name="option"/> when it holds U+FFFD.</summary>
    public static string? Require(string? value, string option)
    {
        var bad = value?.IndexOf('\uFFFD') ?? -1;
        if (bad >= 0)
            throw new ArgumentException($"{option} is not valid UTF-8: character {bad + 1} is U+FFFD, which stands in for bytes that are not UTF-8.");
        return value;
    }
}
