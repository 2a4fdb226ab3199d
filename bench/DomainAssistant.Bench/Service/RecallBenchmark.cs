using DomainAssistant.Evaluation.Retrieval;
using DomainAssistant.Model;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Generation;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Recall@k (<see cref="RetrievalRecall"/>) of the host's retrieval stack (registered by <c>AddRetrieval</c> with the
/// host's defaults: SQLite BM25, embedded vectors, the model-free hashing embedder) on a domain's held-out questions. With a model, the index is then re-embedded
/// with the model's pooled hidden states (as the host does once the model is loaded) and dense and hybrid are measured
/// again with those vectors.
/// </summary>
public static class RecallBenchmark
{
    public sealed record Result(RetrievalMode Mode, string Embedder, int Questions, int Hits, int K, int Documents, int Chunks)
    {
        public double Recall => (double)Hits / Questions;
    }

    /// <param name="domain">The domain whose corpus is indexed and whose held-out questions are asked.</param>
    /// <param name="k">Chunks per question.</param>
    /// <param name="modelPath">With a model folder, dense and hybrid are measured again with its pooled hidden states.</param>
    /// <param name="settings">The host's extra configuration keys (<c>--setting</c>); the <c>Retrieval:*</c> ones apply here too.</param>
    public static async Task<IReadOnlyList<Result>> MeasureAsync(SampleDomain domain, int k, string? modelPath = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var dataDirectory = Directory.CreateTempSubdirectory("da-bench-retrieval-");
        try
        {
            var keys = (settings ?? new Dictionary<string, string>())
                .Where(s => s.Key.StartsWith(RetrievalOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(s => s.Key, s => (string?)s.Value, StringComparer.OrdinalIgnoreCase);
            keys["Storage:DataDirectory"] = dataDirectory.FullName;
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(keys).Build();
            await using var services = new ServiceCollection().AddRetrieval(configuration).BuildServiceProvider();
            var report = await services.GetRequiredService<CorpusIngestor>().IngestFolderAsync(domain.CorpusFolder, domain.Name);
            var results = new List<Result>();
            async Task Measure(HybridRetriever retriever, string embedder, IEnumerable<RetrievalMode> modes)
            {
                foreach (var mode in modes)
                {
                    var hits = await RetrievalRecall.HitsAsync(retriever, domain.Name, domain.HeldOut, k, mode);
                    results.Add(new Result(mode, embedder, domain.HeldOut.Count, hits, k, report.DocumentsIngested, report.ChunksWritten));
                }
            }
            await Measure(services.GetRequiredService<HybridRetriever>(), "hashing", Enum.GetValues<RetrievalMode>());
            if (modelPath is null) return results;

            using var model = PretrainedModel.Load(modelPath);
            DecodeThreads.Apply(0, model.Model);
            using var embedder = new HiddenStateEmbeddingGenerator(model.Model, model.Tokenizer,
                $"pooled-hidden-states:{WeightsChecksum.Of(modelPath)[..16]}");
            var space = await EmbeddingSpace.OfAsync(embedder);
            var vectors = services.GetRequiredService<VectorStoresBySpace>().Open(space);
            var started = DateTime.UtcNow;
            var reembedded = await services.GetRequiredService<CorpusReembedder>().ReembedAsync(embedder, vectors);
            Console.WriteLine($"Re-embedded {reembedded.Chunks} chunks with {space} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s.\n");
            var catalog = services.GetRequiredService<SqliteLexicalIndex>();
            await Measure(new HybridRetriever(catalog, vectors, embedder, catalog), "model", [RetrievalMode.Dense, RetrievalMode.Hybrid]);
            return results;
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }
    }
}
