namespace DomainAssistant.Retrieval.Chunking;

/// <summary>
/// Counts the tokens a text becomes for the served model, so chunks fit the model's context.
/// The host registers one over the model's tokenizer (<c>text => tokenizer.Encode(text, addBos: false).Length</c>);
/// without one, <see cref="ApproximateTokenCounter"/> estimates.
/// </summary>
public interface ITokenCounter
{
    /// <summary>Number of tokens <paramref name="text"/> encodes to, without BOS/EOS.</summary>
    int CountTokens(string text);
}
