using DomainAssistant.Grounding;
using DomainAssistant.Training.Bootstrap;

namespace DomainAssistant.Jobs.Bootstrap;

/// <summary>
/// How the embedded default model is found or built when <c>Model:Path</c> is unset (section <c>Model:Bootstrap</c>):
/// the model shipped in the domain's folder (domains/{domain}/model, checksums verified) when it has one, else a small
/// base pretrained on the domain's corpus and a LoRA adapter tuned on grounded examples, built once under
/// <c>Storage:DataDirectory</c>/models/bootstrap/{domain} and reused afterwards (<see cref="DomainBootstrapOptions"/>).
/// The API binds it (the shipped model, the domain); whichever host runs the bootstrap job reads the same keys.
/// </summary>
public sealed class BootstrapOptions
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

    /// <summary>Wall-clock budget in minutes of tuning every weight on grounded examples (the reader); 0 skips it. Default 20.</summary>
    public double ReaderMinutes { get; set; } = 20;

    /// <summary>Wall-clock budget of the grounded adapter in minutes. Default 5.</summary>
    public double SftMinutes { get; set; } = 5;

    /// <summary>Passes over the grounded examples (early stopping or the budget may end sooner). Default 2.</summary>
    public int SftEpochs { get; set; } = 2;

    /// <summary>LoRA rank of the grounded adapter. Default 64.</summary>
    public int SftRank { get; set; } = 64;

    /// <summary>Tokens per SFT row; long enough for a composed prompt and its answer. Default: the context length less one.</summary>
    public int? SftSequenceLength { get; set; }

    /// <summary>Template questions per corpus sentence in the grounded data. Default 2.</summary>
    public int QuestionsPerSentence { get; set; } = 2;

    /// <summary>Sentence examples at most in the grounded data. Default 4,000.</summary>
    public int MaxSentenceExamples { get; set; } = 4000;

    /// <summary>Serve the model shipped in the domain's folder (domains/{domain}/model) when its checksums hold. Default true.</summary>
    public bool UseShippedModel { get; set; } = true;

    /// <summary>Rows per pretraining batch. Default 16.</summary>
    public int BatchRows { get; set; } = 16;

    /// <summary>The training recipe these settings describe.</summary>
    public DomainBootstrapOptions Recipe() => new()
    {
        Size = Size, VocabSize = VocabSize, ContextLength = ContextLength, BaseMinutes = BaseMinutes, BaseSteps = BaseSteps, BatchRows = BatchRows,
        ReaderMinutes = ReaderMinutes, SftMinutes = SftMinutes, SftEpochs = SftEpochs, SftRank = SftRank, SftSequenceLength = SftSequenceLength,
        Data = new GroundedDataOptions { QuestionsPerSentence = QuestionsPerSentence, MaxSentenceExamples = MaxSentenceExamples },
    };

    /// <summary>Every setting that cannot work, each naming its key; empty when all is well.</summary>
    public IEnumerable<string> Problems()
    {
        if (Size is not ("tiny" or "small" or "medium")) yield return $"Model:Bootstrap:Size must be tiny, small or medium (got \"{Size}\")";
        if (VocabSize is < 300 or > 65536) yield return $"Model:Bootstrap:VocabSize must be between 300 and 65536 (got {VocabSize})";
        if (ContextLength is < 128 or > 8192) yield return $"Model:Bootstrap:ContextLength must be between 128 and 8192 (got {ContextLength})";
        if (!(BaseMinutes > 0)) yield return $"Model:Bootstrap:BaseMinutes must be positive (got {BaseMinutes})";
        if (BaseSteps is <= 0) yield return $"Model:Bootstrap:BaseSteps must be positive when set (got {BaseSteps})";
        if (ReaderMinutes < 0 || !double.IsFinite(ReaderMinutes)) yield return $"Model:Bootstrap:ReaderMinutes must be 0 (skip) or positive (got {ReaderMinutes})";
        if (!(SftMinutes > 0)) yield return $"Model:Bootstrap:SftMinutes must be positive (got {SftMinutes})";
        if (SftEpochs is < 1 or > 100) yield return $"Model:Bootstrap:SftEpochs must be between 1 and 100 (got {SftEpochs})";
        if (SftRank is < 1 or > 1024) yield return $"Model:Bootstrap:SftRank must be between 1 and 1024 (got {SftRank})";
        if (QuestionsPerSentence is < 0 or > 4) yield return $"Model:Bootstrap:QuestionsPerSentence must be between 0 and 4 (got {QuestionsPerSentence})";
        if (MaxSentenceExamples < 0) yield return $"Model:Bootstrap:MaxSentenceExamples must not be negative (got {MaxSentenceExamples})";
        if (SftSequenceLength is { } rows && (rows < 64 || rows >= ContextLength))
            yield return $"Model:Bootstrap:SftSequenceLength must be at least 64 and below Model:Bootstrap:ContextLength (got {rows})";
        if (BatchRows is < 1 or > 1024) yield return $"Model:Bootstrap:BatchRows must be between 1 and 1024 (got {BatchRows})";
    }
}
