using DomainAssistant.Retrieval.Chunking;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Retrieval.Vectors.Qdrant;
using Microsoft.Extensions.Options;

namespace DomainAssistant.Retrieval.Configuration;

/// <summary>
/// Retrieval settings, bound from the configuration section "Retrieval". Example:
/// <code>
/// "Retrieval": { "VectorStore": "Qdrant", "Qdrant": { "Url": "http://qdrant:6333", "Collection": "chunks" },
///                "Chunking": { "MaxTokens": 256, "OverlapTokens": 32 }, "TopK": 5, "Mode": "Hybrid" }
/// </code>
/// </summary>
public sealed class RetrievalOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Retrieval";

    /// <summary>Embedded (default) or Qdrant.</summary>
    public VectorStoreKind VectorStore { get; set; } = VectorStoreKind.Embedded;

    /// <summary>
    /// Folder of the lexical index (lexical.db) and embedded vectors (vectors/), relative to the working directory.
    /// When unset, <see cref="RetrievalServiceCollectionExtensions.AddRetrieval"/> uses "retrieval" under the
    /// host's Storage:DataDirectory (itself ".data" by default).
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Qdrant server and collection; required when <see cref="VectorStore"/> is Qdrant.</summary>
    public QdrantOptions Qdrant { get; set; } = new();

    /// <summary>Chunk size and overlap in tokens.</summary>
    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>Chunks put in the prompt per question (default 5).</summary>
    public int TopK { get; set; } = 5;

    /// <summary>Lexical, Dense or Hybrid (default).</summary>
    public RetrievalMode Mode { get; set; } = RetrievalMode.Hybrid;

    /// <summary>k of reciprocal rank fusion (default 60, as in Cormack et al. 2009).</summary>
    public int RrfK { get; set; } = ReciprocalRankFusion.DefaultK;

    /// <summary>Chunks per embedding call during ingestion (default 32).</summary>
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>
    /// The dense leg's embedder in a host that loads a model: Hashing (default: always the hashing embedder) or Model
    /// (the model's pooled hidden states once it is loaded, the hashing embedder until then). Hashing is the default
    /// because the bootstrap model's pooled states measured worse, alone and fused (docs/retrieval.md, bench/RESULTS.md).
    /// Hosts without a model always use their registered generator.
    /// </summary>
    public EmbeddingSource Embeddings { get; set; } = EmbeddingSource.Hashing;

    /// <summary>Vector length of the model-free fallback embedder, used when the host registers no other (default 256).</summary>
    public int HashingDimensions { get; set; } = 256;

    /// <summary>The SQLite file of the lexical index and chunk catalog.</summary>
    public string LexicalDatabasePath => Path.Combine(DataDirectory, "lexical.db");

    /// <summary>The folder of the embedded vector index.</summary>
    public string VectorFolder => Path.Combine(DataDirectory, "vectors");

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every setting that cannot work, each by its configuration key.</summary>
    public void Validate()
    {
        var failures = new List<string>();
        void Check(Action validate)
        {
            try
            {
                validate();
            }
            catch (ArgumentException e)
            {
                failures.Add(e.Message);
            }
        }
        if (!Enum.IsDefined(VectorStore)) failures.Add($"{SectionName}:VectorStore must be Embedded or Qdrant, got '{VectorStore}'.");
        if (!Enum.IsDefined(Embeddings)) failures.Add($"{SectionName}:Embeddings must be Model or Hashing, got '{Embeddings}'.");
        if (!Enum.IsDefined(Mode)) failures.Add($"{SectionName}:Mode must be Lexical, Dense or Hybrid, got '{Mode}'.");
        if (string.IsNullOrWhiteSpace(DataDirectory)) failures.Add($"{SectionName}:DataDirectory must name a folder.");
        if (VectorStore == VectorStoreKind.Qdrant) Check(() => Qdrant.Validate($"{SectionName}:Qdrant"));
        Check(() => Chunking.Validate($"{SectionName}:Chunking"));
        if (TopK is < 1 or > 100) failures.Add($"{SectionName}:TopK must be between 1 and 100, got {TopK}.");
        if (RrfK < 0) failures.Add($"{SectionName}:RrfK must not be negative, got {RrfK}.");
        if (EmbeddingBatchSize < 1) failures.Add($"{SectionName}:EmbeddingBatchSize must be at least 1, got {EmbeddingBatchSize}.");
        if (HashingDimensions < 8) failures.Add($"{SectionName}:HashingDimensions must be at least 8, got {HashingDimensions}.");
        if (failures.Count > 0) throw new OptionsValidationException(SectionName, typeof(RetrievalOptions), failures);
    }
}
