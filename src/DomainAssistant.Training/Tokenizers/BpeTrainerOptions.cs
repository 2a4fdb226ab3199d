namespace DomainAssistant.Training.Tokenizers;

/// <summary>What <see cref="BpeTrainer"/> learns: how many tokens, from how frequent pairs, with which special tokens.</summary>
public sealed record BpeTrainerOptions
{
    /// <summary>Tokens in the finished vocabulary, special tokens and the 256 byte symbols included (default 4,096).</summary>
    public int VocabularySize { get; init; } = 4096;

    /// <summary>
    /// A pair seen fewer times than this is never merged (default 2: a pair seen once memorises one word rather
    /// than learning a piece). When no pair is left above it the vocabulary stops short of <see cref="VocabularySize"/>.
    /// </summary>
    public int MinPairFrequency { get; init; } = 2;

    /// <summary>Special tokens after the reserved <see cref="ChatSpecialTokens.All"/>, from id 4 on (default none).</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];

    /// <summary>Every special token in id order: the reserved chat tokens, then the additional ones.</summary>
    public IReadOnlyList<string> SpecialTokens => [.. ChatSpecialTokens.All, .. AdditionalSpecialTokens];

    /// <summary>The smallest vocabulary these options allow: the special tokens and the 256 byte symbols.</summary>
    public int MinimumVocabularySize => SpecialTokens.Count + 256;

    /// <summary>Throws <see cref="ArgumentException"/> with a message naming the option when these options cannot train a vocabulary.</summary>
    public void Validate()
    {
        if (VocabularySize < MinimumVocabularySize)
            throw new ArgumentException(
                $"vocabulary size must be at least {MinimumVocabularySize} (256 byte symbols + {SpecialTokens.Count} special tokens), got {VocabularySize}.");
        if (MinPairFrequency < 1)
            throw new ArgumentException($"minimum pair frequency must be at least 1, got {MinPairFrequency}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in SpecialTokens)
        {
            if (!seen.Add(token)) throw new ArgumentException($"special token '{token}' is listed twice.");
            // A token the pre-tokenizer keeps in one piece could also be learned as a merge; ours span several pieces.
            if (Gpt2PreTokenizer.Regex().Count(token) < 2)
                throw new ArgumentException($"special token '{token}' must span several pre-token pieces (e.g. '<|name|>') so no learned token can equal it.");
        }
    }
}
