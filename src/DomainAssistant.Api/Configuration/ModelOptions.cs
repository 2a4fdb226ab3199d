using DomainAssistant.Jobs.Bootstrap;

namespace DomainAssistant.Api.Configuration;

/// <summary>
/// The served model (section <c>Model</c>). With <see cref="Path"/> unset the host bootstraps one from the default
/// domain (see <see cref="BootstrapOptions"/>); with it set, it serves that checkpoint and the configured adapters.
/// </summary>
public sealed class ModelOptions : ISelfValidating
{
    public const string Section = "Model";

    /// <summary>A Hugging Face folder or a llama2.c <c>.bin</c>; null = the bootstrapped model.</summary>
    public string? Path { get; set; }

    /// <summary>Tokenizer file or folder when it is not beside the model (llama2.c checkpoints).</summary>
    public string? Tokenizer { get; set; }

    /// <summary>PEFT adapter folders kept resident over the base, by the name requests and flag variants use.</summary>
    public Dictionary<string, string> Adapters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The adapter served when no flag variant says otherwise (and what the variant value "default" means); null =
    /// the base model. The bootstrapped model's default is its SFT adapter, "sft".
    /// </summary>
    public string? DefaultAdapter { get; set; }

    /// <summary>
    /// Whether an adapter named in <see cref="Adapters"/> must have a passing gate verdict for its exact checksum to be
    /// served (the model then fails to load, naming the adapter). Off by default: an operator's own configuration is
    /// trusted, and an ungated one is logged as a warning at start-up. Experiments and promotion always require one.
    /// </summary>
    public bool RequireGateVerdict { get; set; }

    /// <summary>The model's name in responses and feedback lineage; default the checkpoint's file or folder name.</summary>
    public string? Name { get; set; }

    /// <summary>libtorch CPU threads for decoding; 0 (default) picks one for small models, all cores for large ones.</summary>
    public int Threads { get; set; }

    /// <summary>"float32" (default) or "bfloat16" weights.</summary>
    public string DType { get; set; } = "float32";

    /// <summary>Sequences decoded together (continuous batching); more requests wait. Default 16.</summary>
    public int MaxBatch { get; set; } = 16;

    /// <summary>Whether batches of 4-8 sequences decode from a second, panel-ordered copy of float32 weights: faster
    /// for models of 20M parameters and more on several cores (figures: docs/modeling.md, 'Panel-ordered weights'), at
    /// the weights' size again in memory. Unset (default): for those models only.</summary>
    public bool? WeightPanels { get; set; }

    /// <summary>Tokens per sequence (prompt + answer); default and maximum: the model's position limit.</summary>
    public int? ContextLength { get; set; }

    /// <summary>
    /// Decoding aid for grounded answers: added to the logits of tokens that continue the prompt passage an answer is
    /// quoting (<see cref="DomainAssistant.Model.Generation.PromptCopyBias"/>). Default 0 (off): on the shipped model it
    /// changed no held-out answer's correctness (docs/training.md gives the figures with and without it).
    /// </summary>
    public float CopyBias { get; set; }

    public BootstrapOptions Bootstrap { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (Path is not null && string.IsNullOrWhiteSpace(Path)) yield return "Model:Path must name a checkpoint folder or .bin file when set";
        if (Threads is < 0 or > 1024) yield return $"Model:Threads must be between 0 (automatic) and 1024 (got {Threads})";
        if (DType is not ("float32" or "bfloat16")) yield return $"Model:DType must be \"float32\" or \"bfloat16\" (got \"{DType}\")";
        if (MaxBatch is < 1 or > 256) yield return $"Model:MaxBatch must be between 1 and 256 (got {MaxBatch})";
        if (CopyBias < 0 || !float.IsFinite(CopyBias)) yield return $"Model:CopyBias must be 0 (off) or a positive number (got {CopyBias})";
        if (ContextLength is < 16) yield return $"Model:ContextLength must be at least 16 tokens (got {ContextLength})";
        foreach (var (name, folder) in Adapters)
        {
            if (string.IsNullOrWhiteSpace(folder)) yield return $"Model:Adapters:{name} must name a PEFT adapter folder";
        }
        if (Path is not null && DefaultAdapter is not null && !Adapters.ContainsKey(DefaultAdapter))
            yield return $"Model:DefaultAdapter \"{DefaultAdapter}\" is not one of Model:Adapters ({string.Join(", ", Adapters.Keys)})";
        foreach (var problem in Bootstrap.Problems()) yield return problem;
    }
}
