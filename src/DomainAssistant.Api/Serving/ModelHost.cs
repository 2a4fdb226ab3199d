using DomainAssistant.Contracts;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Model;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Lora;
using static TorchSharp.torch;

namespace DomainAssistant.Api.Serving;

/// <summary>
/// Loads the served model in the background at startup (the host answers /health meanwhile), keeps it for the
/// host's lifetime and hands it to requests. Requests arriving before it is ready get 503 from the endpoints.
/// </summary>
public sealed partial class ModelHost(IModelSource source, ModelOptions options, IGateVerdictStore verdicts, ILogger<ModelHost> logger) : BackgroundService
{
    LoadedModel? _current;

    /// <summary>The model's readiness, reported on /health as "model".</summary>
    public Warmup Warmup { get; } = new("model");

    /// <summary>The served model, or null while it warms up (or after it failed).</summary>
    public LoadedModel? Current => _current;

    /// <summary>The served model once ready; throws the load failure if it failed.</summary>
    public async Task<LoadedModel> WhenReadyAsync(CancellationToken cancellationToken)
    {
        await Warmup.Ready.WaitAsync(cancellationToken);
        return _current!;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the startup path: loading (and bootstrapping) is long CPU work, and the host must answer /health meanwhile.
        await Task.Yield();
        try
        {
            var progress = new InlineProgress<string>(note =>
            {
                Warmup.Report(note);
                LogProgress(note);
            });
            var location = await source.ResolveAsync(progress, stoppingToken);
            Warmup.Report($"loading {location.Path}");
            var loaded = await Task.Run(() => Load(location), stoppingToken);
            try
            {
                await CheckVerdictsAsync(loaded, stoppingToken);
            }
            catch
            {
                await loaded.DisposeAsync();
                throw;
            }
            _current = loaded;
            Warmup.MarkReady();
            var adapters = string.Join(", ", _current.Adapters.Keys);
            LogReady(_current.Name, _current.ContextLength, adapters, _current.DefaultAdapter ?? "(base)");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Warmup.MarkFailed(new OperationCanceledException("the host stopped before the model was ready"));
        }
        catch (Exception error)
        {
            LogFailed(error);
            Warmup.MarkFailed(error);
        }
    }

    LoadedModel Load(ModelLocation location)
    {
        var dtype = options.DType == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
        if (dtype == ScalarType.BFloat16 && !NativeBFloat16.OnThisCpu) LogEmulatedBFloat16();
        var pretrained = PretrainedModel.Load(location.Path, location.Tokenizer, dtype);
        try
        {
            var adapters = new Dictionary<string, AdapterInfo>(StringComparer.Ordinal);
            foreach (var (name, folder) in location.Adapters)
            {
                PeftAdapter.Load(folder, pretrained.Model, name);
                adapters[name] = new AdapterInfo(name, Path.GetFullPath(folder), WeightsChecksum(folder));
            }
            if (location.DefaultAdapter is { } fallback && !adapters.ContainsKey(fallback))
                throw new InvalidOperationException($"the default adapter '{fallback}' is not among the loaded adapters ({string.Join(", ", adapters.Keys)}).");
            var threads = DecodeThreads.Apply(options.Threads, pretrained.Model);
            LogThreads(threads);
            var engine = new GenerationEngine(pretrained.Model, options.MaxBatch, options.ContextLength, options.WeightPanels);
            if (pretrained.Model.WeightPanelBytes > 0) LogWeightPanels(pretrained.Model.WeightPanelBytes / (1024 * 1024));
            else if (options.WeightPanels == true) LogNoWeightPanels();
            // The engine owns the model's forward passes; the embedder takes its gate so the two never overlap.
            var embedder = new HiddenStateEmbeddingGenerator(pretrained.Model, pretrained.Tokenizer, HiddenStateEmbeddingGenerator.ModelIdOf(location.Path),
                engine.ForwardGate, maxTokens: engine.ContextLength);
            // What another host needs to build this very embedder (a worker's re-embedding job).
            var embeddingFiles = new EmbeddingModelFiles(Path.GetFullPath(location.Path), location.Tokenizer is { } tokenizer ? Path.GetFullPath(tokenizer) : null,
                options.DType, embedder.MaxTokens);
            return new LoadedModel(location.Name, Path.GetFullPath(location.Path), pretrained, engine, adapters, location.DefaultAdapter, embedder, embeddingFiles);
        }
        catch
        {
            pretrained.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The adapters an operator configured (<see cref="ModelOptions.Adapters"/>) reach users without an experiment, so
    /// each one's gate verdict is looked up by its checksum: without a passing one it is logged, or with
    /// <see cref="ModelOptions.RequireGateVerdict"/> refused. The domain's shipped or bootstrapped adapter is the
    /// production baseline that gates compare against, so it is not looked up.
    /// </summary>
    async Task CheckVerdictsAsync(LoadedModel model, CancellationToken cancellationToken)
    {
        foreach (var name in options.Adapters.Keys)
        {
            if (!model.Adapters.TryGetValue(name, out var adapter)) continue;
            if (await verdicts.WhyNotReleasableAsync(adapter.Checksum, cancellationToken) is not { } why) continue;
            if (options.RequireGateVerdict)
                throw new InvalidOperationException($"Model:Adapters:{name} ({adapter.Folder}) may not be served with Model:RequireGateVerdict on: {why}");
            LogUngated(name, adapter.Folder, why);
        }
    }

    /// <summary>SHA-256 of the adapter's weights file: the checksum the training lineage and gates record.</summary>
    internal static string WeightsChecksum(string adapterFolder) => PeftAdapter.WeightsSha256(adapterFolder);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Interlocked.Exchange(ref _current, null) is { } model) await model.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model: {Note}")]
    partial void LogProgress(string note);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} is ready: context {Context} tokens, adapters [{Adapters}], default {Default}")]
    partial void LogReady(string name, int context, string adapters, string @default);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adapter {Name} ({Folder}) is served from Model:Adapters without a passing gate verdict: {Why} Experiments and promotion refuse it; set Model:RequireGateVerdict to refuse it here too")]
    partial void LogUngated(string name, string folder, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Decoding on {Threads} libtorch thread(s)")]
    partial void LogThreads(int threads);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batches decode from a panel-ordered copy of the float32 weights ({MiB} MiB more memory; Model:WeightPanels=false turns it off)")]
    partial void LogWeightPanels(long miB);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model:WeightPanels is true, but no weight of this model takes the panel kernel (float32 weights on a CPU with AVX-512, and a batch of 4 or more): batches decode from the weights as they are")]
    partial void LogNoWeightPanels();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model:DType is bfloat16, but this CPU has no native bfloat16 products (AVX-512 BF16, AMX or Arm BF16): libtorch emulates them and decodes many times slower than float32. Set Model:DType=float32 unless memory forbids it")]
    partial void LogEmulatedBFloat16();

    [LoggerMessage(Level = LogLevel.Error, Message = "The model could not be loaded; /health reports the reason")]
    partial void LogFailed(Exception error);
}
