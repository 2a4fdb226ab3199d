using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Recall@k of the host's retrieval stack (registered by <c>AddRetrieval</c> with the host's defaults: SQLite BM25,
/// embedded vectors, the model-free hashing embedder) on a domain's held-out questions: a question is a hit when one
/// of the top k chunks comes from the document its pair names as source.
/// </summary>
public static class RetrievalRecall
{
    public sealed record Result(RetrievalMode Mode, int Questions, int Hits, int K, int Documents, int Chunks)
    {
        public double Recall => (double)Hits / Questions;
    }

    public static async Task<IReadOnlyList<Result>> MeasureAsync(SampleDomain domain, int k)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("da-bench-retrieval-");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory.FullName })
                .Build();
            await using var services = new ServiceCollection().AddRetrieval(configuration).BuildServiceProvider();
            var report = await services.GetRequiredService<CorpusIngestor>().IngestFolderAsync(domain.CorpusFolder, domain.Name);
            var retriever = services.GetRequiredService<HybridRetriever>();
            var results = new List<Result>();
            foreach (var mode in Enum.GetValues<RetrievalMode>())
            {
                var hits = 0;
                foreach (var question in domain.HeldOut)
                {
                    var top = await retriever.RetrieveAsync(question.Question, domain.Name, k, mode);
                    if (top.Any(r => r.Chunk.DocumentId == question.DocumentId)) hits++;
                }
                results.Add(new Result(mode, domain.HeldOut.Count, hits, k, report.DocumentsIngested, report.ChunksWritten));
            }
            return results;
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }
    }
}
