namespace DomainAssistant.Retrieval.Chunking;

/// <summary>
/// A model-free token estimate for when no tokenizer is registered: each run of letters or digits counts one
/// token per 4 characters (rounded up), every other non-space character one token. Subword tokenizers of
/// English text land close to this; it errs on the high side for long words, so chunks rarely overflow.
/// </summary>
public sealed class ApproximateTokenCounter : ITokenCounter
{
    /// <inheritdoc />
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = 0;
        var run = 0;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                run++;
                continue;
            }
            tokens += (run + 3) / 4;
            run = 0;
            if (!char.IsWhiteSpace(c)) tokens++;
        }
        return tokens + (run + 3) / 4;
    }
}
