using System.Text.RegularExpressions;

namespace DomainAssistant.Training.Tokenizers;

/// <summary>
/// GPT-2's pre-tokenizer: splits text into words, numbers, punctuation runs and whitespace before BPE runs, so no
/// merge crosses a word boundary. The trainer counts these pieces and the loaders split text with the same regex.
/// </summary>
public static partial class Gpt2PreTokenizer
{
    /// <summary>The GPT-2 split pattern (the one Hugging Face's ByteLevel pre-tokenizer applies with use_regex=true).</summary>
    public const string Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>The compiled <see cref="Pattern"/>.</summary>
    [GeneratedRegex(Pattern)]
    public static partial Regex Regex();
}
