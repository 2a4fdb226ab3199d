using DomainAssistant.Grounding;

namespace DomainAssistant.Training.Bootstrap;

/// <summary>
/// The recipe that turns a domain folder into a served model (<see cref="DomainBootstrap"/>): a small base pretrained
/// on the corpus, every weight of it then tuned to read grounded examples composed as chat composes them (the
/// "reader", the served base), and a LoRA adapter tuned on the same examples over it. Defaults are what
/// docs/training.md measured on a 2-core CPU; the host's Model:Bootstrap section and `da bootstrap` set them.
/// </summary>
public sealed record DomainBootstrapOptions
{
    /// <summary>Base size: tiny, small (default) or medium (<see cref="Pretraining.ModelSizes"/>).</summary>
    public string Size { get; init; } = "small";

    /// <summary>Tokenizer vocabulary learned from the corpus (default 4,096; a small corpus may yield fewer).</summary>
    public int VocabSize { get; init; } = 4096;

    /// <summary>Context length of the base: five chunks, the system prompt, a question and an answer (default 1,024).</summary>
    public int ContextLength { get; init; } = 1024;

    /// <summary>Wall-clock budget of base pretraining in minutes (default 10).</summary>
    public double BaseMinutes { get; init; } = 10;

    /// <summary>Fixed pretraining steps instead of the time budget (tests, reproducible runs).</summary>
    public long? BaseSteps { get; init; }

    /// <summary>Rows per pretraining batch (default 16).</summary>
    public int BatchRows { get; init; } = 16;

    /// <summary>
    /// Wall-clock budget in minutes of tuning every weight on the grounded examples (default 20; 0 skips it and the
    /// adapter is tuned over the pretrained base). A LoRA adapter alone did not learn to read its context (docs/training.md).
    /// </summary>
    public double ReaderMinutes { get; init; } = 20;

    /// <summary>Peak learning rate of the reader stage (default 1e-3).</summary>
    public double ReaderLearningRate { get; init; } = 1e-3;

    /// <summary>Wall-clock budget of the grounded adapter in minutes (default 5).</summary>
    public double SftMinutes { get; init; } = 5;

    /// <summary>Passes over the grounded examples (default 2; the time budget may end sooner).</summary>
    public int SftEpochs { get; init; } = 2;

    /// <summary>LoRA rank of the grounded adapter (default 64: copying from context needs more than style tuning does).</summary>
    public int SftRank { get; init; } = 64;

    /// <summary>Tokens per SFT row (default: the context length less one).</summary>
    public int? SftSequenceLength { get; init; }

    /// <summary>Peak learning rate of the adapter (default 2e-3).</summary>
    public double SftLearningRate { get; init; } = 2e-3;

    /// <summary>How the grounded examples are laid out.</summary>
    public GroundedDataOptions Data { get; init; } = new();

    /// <summary>Seeds base initialisation, adapter initialisation and data order (default 1234).</summary>
    public ulong Seed { get; init; } = 1234;
}
