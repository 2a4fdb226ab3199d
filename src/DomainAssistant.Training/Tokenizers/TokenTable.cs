using DomainAssistant.Model.Tokenization.HuggingFace;

namespace DomainAssistant.Training.Tokenizers;

/// <summary>The growing id → token table of a training run: special tokens, the 256 byte symbols, then learned tokens.</summary>
sealed class TokenTable
{
    readonly List<string> tokens;
    readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
    readonly int byteBase;

    public TokenTable(IReadOnlyList<string> specialTokens)
    {
        tokens = [.. specialTokens];
        byteBase = tokens.Count;
        for (var value = 0; value < 256; value++) tokens.Add(ByteLevelAlphabet.ToChar((byte)value).ToString());
        for (var id = 0; id < tokens.Count; id++) ids.Add(tokens[id], id);
    }

    public int Count => tokens.Count;

    /// <summary>Tokens learned from merges so far.</summary>
    public int LearnedCount => tokens.Count - byteBase - 256;

    public string this[int id] => tokens[id];

    public int IdOfByte(byte value) => byteBase + value;

    /// <summary>The id of the token spelling left + right, added when new.</summary>
    /// <remarks>
    /// Two merge paths can spell the same string ("ab"+"c" and "a"+"bc"): the token is shared and both merges are
    /// kept, as Hugging Face's trainer does.
    /// </remarks>
    public int Join(int left, int right)
    {
        var merged = tokens[left] + tokens[right];
        if (ids.TryGetValue(merged, out var id))
        {
            if (id < byteBase)
                throw new ArgumentException($"special token '{merged}' is also a learned token; choose a special token the corpus cannot spell.");
            return id;
        }
        tokens.Add(merged);
        ids.Add(merged, tokens.Count - 1);
        return tokens.Count - 1;
    }

    public IReadOnlyList<string> ToList() => [.. tokens];
}
