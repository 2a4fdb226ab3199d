namespace DomainAssistant.Model.Generation;

/// <summary>How the next token is chosen and when generation stops.</summary>
public sealed record SamplingOptions
{
    /// <summary>0 means greedy (argmax); higher flattens the distribution. Default 0.8.</summary>
    public float Temperature { get; init; } = 0.8f;

    /// <summary>Keep only the K most likely tokens; 0 keeps all. Default 0.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches P; 1 keeps all.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>
    /// CTRL-style penalty (Keskar et al. 2019, eq. 1) on tokens already in the context: positive logits are divided
    /// by it, negative ones multiplied. 1 disables it.
    /// </summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Most tokens to generate. Default 256.</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Generation ends before any of these strings; the string itself is not returned.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>
    /// Decoding aid for grounded answers (<see cref="PromptCopyBias"/>): added to the logits of tokens that continue the
    /// prompt passage the answer is quoting. 0 (default) turns it off.
    /// </summary>
    public float CopyBias { get; init; }

    /// <summary>Same seed, same prompt, same model: same tokens. Null picks a random seed.</summary>
    public int? Seed { get; init; }

    public static SamplingOptions Greedy(int maxTokens) => new() { Temperature = 0, MaxTokens = maxTokens };

    /// <summary>Throws naming the option when a value is out of range.</summary>
    public void Validate()
    {
        if (Temperature < 0 || float.IsNaN(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be >= 0");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "top-k must be >= 0");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must be in (0, 1]");
        if (!(RepetitionPenalty > 0)) throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "repetition penalty must be > 0");
        if (CopyBias < 0 || !float.IsFinite(CopyBias)) throw new ArgumentOutOfRangeException(nameof(CopyBias), CopyBias, "copy bias must be >= 0 and finite");
        if (MaxTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "max tokens must be >= 0");
    }
}
