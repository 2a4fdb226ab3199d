using DomainAssistant.Retrieval.Chunking;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Retrieval.Vectors;

namespace DomainAssistant.Retrieval.Tests.Support;

/// <summary>The embedded retrieval stack on real files in a temp folder: SQLite lexical index, on-disk vectors, hashing embedder.</summary>
public sealed class EmbeddedRetrieval : IDisposable
{
    readonly TempFolder _folder = new();

    public EmbeddedRetrieval(int maxTokens = 64, int overlapTokens = 8)
    {
        Lexical = new SqliteLexicalIndex(_folder.File(Path.Combine("data", "lexical.db")));
        Vectors = new EmbeddedVectorIndex(_folder.File(Path.Combine("data", "vectors")));
        Embedder = new HashingEmbeddingGenerator(256);
        Ingestor = NewIngestor(maxTokens, overlapTokens);
        Retriever = new HybridRetriever(Lexical, Vectors, Embedder, Lexical);
    }

    public SqliteLexicalIndex Lexical { get; }
    public EmbeddedVectorIndex Vectors { get; }
    public HashingEmbeddingGenerator Embedder { get; }
    public CorpusIngestor Ingestor { get; }
    public HybridRetriever Retriever { get; }

    public string CorpusFolder => _folder.File("corpus");

    public string WriteCorpusFile(string relativePath, string content) => _folder.Write(Path.Combine("corpus", relativePath), content);

    public CorpusIngestor NewIngestor(int maxTokens, int overlapTokens, int batchSize = 3) => new(
        new TextChunker(new ApproximateTokenCounter(), new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens }),
        Embedder, Lexical, Lexical, Vectors, batchSize);

    public void Dispose()
    {
        Embedder.Dispose();
        _folder.Dispose();
    }
}
