namespace DomainAssistant.Api.Configuration;

/// <summary>
/// How the embedded default model is built when <c>Model:Path</c> is unset (section <c>Model:Bootstrap</c>): a small
/// base pretrained on the domain's corpus, then a LoRA SFT adapter on its grounded Q/A pairs, built once under
/// <c>Storage:DataDirectory</c>/models/bootstrap/{domain} and reused afterwards.
/// </summary>
public sealed class BootstrapOptions : ISelfValidating
{
    /// <summary>The domain whose corpus and Q/A train the model; default <c>Domains:Default</c>.</summary>
    public string? Domain { get; set; }

    /// <summary>Base model size: tiny, small (default) or medium.</summary>
    public string Size { get; set; } = "small";

    /// <summary>Tokenizer vocabulary trained on the corpus. Default 4096.</summary>
    public int VocabSize { get; set; } = 4096;

    /// <summary>Context length of the base (max_position_embeddings). Default 1024: room for retrieved context.</summary>
    public int ContextLength { get; set; } = 1024;

    /// <summary>Wall-clock budget of base pretraining in minutes. Default 10.</summary>
    public double BaseMinutes { get; set; } = 10;

    /// <summary>Fixed number of pretraining steps instead of the time budget (tests, reproducible runs).</summary>
    public long? BaseSteps { get; set; }

    /// <summary>Wall-clock budget of the SFT adapter in minutes. Default 5.</summary>
    public double SftMinutes { get; set; } = 5;

    /// <summary>SFT passes over the Q/A pairs (early stopping may end sooner). Default 3.</summary>
    public int SftEpochs { get; set; } = 3;

    /// <summary>Retrieved chunks put in each SFT example's prompt, as chat puts them. Default 2.</summary>
    public int ContextChunks { get; set; } = 2;

    /// <summary>Tokens per SFT row; long enough for the context chunks and the answer. Default 1024.</summary>
    public int SftSequenceLength { get; set; } = 1024;

    /// <summary>Rows per pretraining batch. Default 16.</summary>
    public int BatchRows { get; set; } = 16;

    public IEnumerable<string> Problems()
    {
        if (Size is not ("tiny" or "small" or "medium")) yield return $"Model:Bootstrap:Size must be tiny, small or medium (got \"{Size}\")";
        if (VocabSize is < 300 or > 65536) yield return $"Model:Bootstrap:VocabSize must be between 300 and 65536 (got {VocabSize})";
        if (ContextLength is < 128 or > 8192) yield return $"Model:Bootstrap:ContextLength must be between 128 and 8192 (got {ContextLength})";
        if (!(BaseMinutes > 0)) yield return $"Model:Bootstrap:BaseMinutes must be positive (got {BaseMinutes})";
        if (BaseSteps is <= 0) yield return $"Model:Bootstrap:BaseSteps must be positive when set (got {BaseSteps})";
        if (!(SftMinutes > 0)) yield return $"Model:Bootstrap:SftMinutes must be positive (got {SftMinutes})";
        if (SftEpochs is < 1 or > 100) yield return $"Model:Bootstrap:SftEpochs must be between 1 and 100 (got {SftEpochs})";
        if (ContextChunks is < 0 or > 10) yield return $"Model:Bootstrap:ContextChunks must be between 0 and 10 (got {ContextChunks})";
        if (SftSequenceLength < 64 || SftSequenceLength >= ContextLength + 1)
            yield return $"Model:Bootstrap:SftSequenceLength must be at least 64 and below Model:Bootstrap:ContextLength (got {SftSequenceLength})";
        if (BatchRows is < 1 or > 1024) yield return $"Model:Bootstrap:BatchRows must be between 1 and 1024 (got {BatchRows})";
    }
}
