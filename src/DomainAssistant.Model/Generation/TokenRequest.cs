namespace DomainAssistant.Model.Generation;

/// <summary>Receives the logits of every position fed to the model (for traces and diagnostics).</summary>
/// <param name="position">Position of the fed token in the sequence (0 = first prompt token).</param>
/// <param name="token">The token id fed at that position.</param>
/// <param name="logits">[vocab] logits predicting the next token.</param>
public delegate void LogitsObserver(int position, int token, ReadOnlySpan<float> logits);

/// <summary>One sequence to continue: prompt ids (BOS included when wanted), how to sample, which adapter.</summary>
public sealed record TokenRequest(IReadOnlyList<int> PromptTokens, SamplingOptions Sampling)
{
    /// <summary>Adapter name resident on the model; null = the base model.</summary>
    public string? Adapter { get; init; }

    /// <summary>Token ids that end generation (end-of-sequence, end-of-turn); they are not emitted.</summary>
    public IReadOnlySet<int> StopTokens { get; init; } = new HashSet<int>();

    /// <summary>Called on the engine's thread for every position; keep it cheap.</summary>
    public LogitsObserver? Observer { get; init; }
}
