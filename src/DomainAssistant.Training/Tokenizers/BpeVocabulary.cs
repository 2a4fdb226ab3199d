namespace DomainAssistant.Training.Tokenizers;

/// <summary>
/// A trained byte-level BPE vocabulary: the token strings by id and the merges in the order they were learned
/// (a merge's index is its rank when encoding). Tokens are byte-level strings (see <see cref="DomainAssistant.Model.Tokenization.HuggingFace.ByteLevelAlphabet"/>),
/// except the special tokens, which are stored as written.
/// </summary>
/// <param name="Tokens">Token strings; a token's id is its index.</param>
/// <param name="Merges">Learned merges, most frequent first; each joins two existing tokens into one.</param>
/// <param name="SpecialTokens">The special tokens, which are also the first entries of <paramref name="Tokens"/>.</param>
public sealed record BpeVocabulary(IReadOnlyList<string> Tokens, IReadOnlyList<(string Left, string Right)> Merges, IReadOnlyList<string> SpecialTokens)
{
    /// <summary>Number of tokens, special tokens included.</summary>
    public int Count => Tokens.Count;

    /// <summary>The id of <paramref name="token"/>, or -1.</summary>
    public int IdOf(string token)
    {
        for (var id = 0; id < Tokens.Count; id++)
        {
            if (string.Equals(Tokens[id], token, StringComparison.Ordinal)) return id;
        }
        return -1;
    }
}
