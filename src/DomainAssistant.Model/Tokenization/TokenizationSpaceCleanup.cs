namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// transformers' <c>PreTrainedTokenizerBase.clean_up_tokenization</c>, which its decode applies when
/// tokenizer_config.json sets <c>clean_up_tokenization_spaces</c> (Llama 3's configs do): the space before . ? ! , and
/// English contractions goes, so ids for "Hello ." decode to "Hello.", as users of the checkpoint see in Python.
/// </summary>
internal static class TokenizationSpaceCleanup
{
    // In transformers' order: each replacement runs over the whole text before the next, as Python's str.replace does.
    static readonly (string Pattern, string Replacement)[] Rules =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    // Every pattern starts with a space and is at most this long; a match can reach this many characters past its space.
    static readonly int Reach = Rules.Max(r => r.Pattern.Length) - 1;

    public static string Apply(string text)
    {
        foreach (var (pattern, replacement) in Rules)
            text = text.Replace(pattern, replacement, StringComparison.Ordinal);
        return text;
    }

    /// <summary>
    /// The length of the longest prefix of <paramref name="text"/> whose clean-up no later text can change: no space in
    /// its last <see cref="Reach"/> characters. Cut there, clean-up of the whole equals clean-up of the parts joined,
    /// because every pattern starts with a space and the rules only ever delete spaces, so the characters before the cut
    /// stay non-spaces and no match can cross it. Streaming decoding emits up to this point.
    /// </summary>
    public static int SettledLength(ReadOnlySpan<char> text)
    {
        var end = text.Length;
        while (end > 0)
        {
            var start = Math.Max(0, end - Reach);
            var space = text[start..end].LastIndexOf(' ');
            if (space < 0) return end;
            end = start + space;
        }
        return 0;
    }
}
