using DomainAssistant.Grounding;
using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace DomainAssistant.Evaluation.Tests.Support;

/// <summary>
/// The sample domain tidewell-support indexed as the host indexes it, and a tiny random Llama with the domain's real
/// tokenizer (so prompts are composed exactly as served) carrying the adapters the tests name. Shared by a class's tests:
/// indexing the corpus takes a few seconds.
/// </summary>
public sealed class GateFixture : IAsyncLifetime
{
    readonly DirectoryInfo _index = Directory.CreateTempSubdirectory("da-gate-index-");
    ServiceProvider? _services;

    public DomainProfile Domain { get; } = DomainFile.Read(RepositoryFiles.Domain("tidewell-support"));

    public IRetriever Retriever => _services!.GetRequiredService<IRetriever>();

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Retrieval:DataDirectory"] = _index.FullName }).Build();
        _services = new ServiceCollection().AddRetrieval(configuration).BuildServiceProvider();
        await _services.GetRequiredService<CorpusIngestor>().IngestFolderAsync(Domain.CorpusFolder, Domain.Name);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        _index.Delete(recursive: true);
    }

    /// <summary>A tiny model (random weights from <paramref name="seed"/>) with adapters "candidate" and "baseline".</summary>
    /// <param name="seed">Weights of the base.</param>
    /// <param name="candidateNoise">Standard deviation of random values put into the candidate's LoRA factors; 0 leaves
    /// it the identity (B = 0), like the baseline.</param>
    public static PretrainedModel Model(int seed, double candidateNoise)
    {
        var tokenizer = TokenizerLoader.Load(Path.Combine(RepositoryFiles.Domain("tidewell-support"), "model", "base"));
        var config = new LlamaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 1024,
        };
        var model = LlamaForCausalLM.Create(config);
        model.eval();
        // Drawn again from a generator of its own, with torch's default layouts (embeddings normal(0, 1), linear
        // weights uniform within 1/sqrt(fan-in), norm gains 1): torch's global generator is shared by every test
        // class running in parallel, and any module another one builds meanwhile would change "the same" model.
        using var generator = new Generator(unchecked((ulong)seed), CPU);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.EndsWith("norm.weight", StringComparison.Ordinal)) continue;
                if (name.Contains("embed_tokens", StringComparison.Ordinal)) parameter.normal_(0, 1, generator);
                else parameter.uniform_(-1 / Math.Sqrt(parameter.size(1)), 1 / Math.Sqrt(parameter.size(1)), generator);
            }
        }
        var lora = new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = LoraTargets.Of("q_proj", "v_proj") };
        model.AddAdapter("candidate", lora, seed: 1);
        model.AddAdapter("baseline", lora, seed: 1);
        if (candidateNoise > 0)
            using (no_grad())
                foreach (var (_, parameter) in model.AdapterParameters("candidate")) parameter.normal_(0, candidateNoise, generator);
        var stops = new HashSet<int>();
        if (tokenizer.EosId is int eos) stops.Add(eos);
        return new PretrainedModel(model, tokenizer, stops, "tiny");
    }
}
