using DomainAssistant.Retrieval.Chunking;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Retrieval.Tests.Support;
using DomainAssistant.Retrieval.Vectors;
using DomainAssistant.Retrieval.Vectors.Qdrant;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DomainAssistant.Retrieval.Tests.Configuration;

public sealed class AddRetrievalTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        if (!settings.ContainsKey("Storage:DataDirectory")) settings.TryAdd("Retrieval:DataDirectory", _folder.Path);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        before?.Invoke(services);
        services.AddRetrieval(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Defaults_to_the_embedded_stack_that_ingests_and_retrieves()
    {
        using var provider = Build([]);

        Assert.IsType<EmbeddedVectorIndex>(provider.GetRequiredService<IVectorStore>());
        Assert.IsType<HashingEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Same(provider.GetRequiredService<ILexicalIndex>(), provider.GetRequiredService<IChunkCatalog>());
        await provider.GetRequiredService<CorpusIngestor>().IngestAsync(Corpus.All);
        var results = await provider.GetRequiredService<IRetriever>().RetrieveAsync("restore a backup", Corpus.Domain, 2);
        Assert.Equal("backups.md", results[0].Chunk.DocumentId);
        Assert.True(File.Exists(Path.Combine(_folder.Path, "lexical.db")));
        var space = new EmbeddingSpace(HashingEmbeddingGenerator.ModelId, 256);
        Assert.True(File.Exists(Path.Combine(_folder.Path, "vectors", space.Key, "ops.vectors")), "vectors live in their embedding space's folder");
        Assert.Equal(space, await provider.GetRequiredService<IChunkCatalog>().GetEmbeddingSpaceAsync());
    }

    [Fact]
    public void Binds_every_setting_from_the_retrieval_section()
    {
        using var provider = Build(new()
        {
            ["Retrieval:VectorStore"] = "Qdrant",
            ["Retrieval:Qdrant:Url"] = "http://qdrant:6333",
            ["Retrieval:Qdrant:Collection"] = "chunks",
            ["Retrieval:Chunking:MaxTokens"] = "128",
            ["Retrieval:Chunking:OverlapTokens"] = "16",
            ["Retrieval:TopK"] = "8",
            ["Retrieval:Mode"] = "Lexical",
        });

        var options = provider.GetRequiredService<IOptions<RetrievalOptions>>().Value;
        Assert.Equal((VectorStoreKind.Qdrant, "http://qdrant:6333", "chunks"), (options.VectorStore, options.Qdrant.Url, options.Qdrant.Collection));
        Assert.Equal((128, 16, 8), (options.Chunking.MaxTokens, options.Chunking.OverlapTokens, options.TopK));
        Assert.IsType<QdrantVectorStore>(provider.GetRequiredService<IVectorStore>());
        Assert.Equal(RetrievalMode.Lexical, provider.GetRequiredService<HybridRetriever>().Mode);
        Assert.Equal(128, provider.GetRequiredService<TextChunker>().MaxTokens);
    }

    [Fact]
    public void Keeps_its_files_under_the_hosts_storage_folder_unless_told_otherwise()
    {
        var storage = Path.Combine(_folder.Path, "storage");
        using var provider = Build(new() { ["Retrieval:DataDirectory"] = null, ["Storage:DataDirectory"] = storage });

        var index = provider.GetRequiredService<SqliteLexicalIndex>();

        Assert.Equal(Path.Combine(storage, "retrieval", "lexical.db"), index.DatabasePath);
        Assert.Equal(Path.Combine(storage, "retrieval", "vectors", new EmbeddingSpace(HashingEmbeddingGenerator.ModelId, 256).Key),
            ((EmbeddedVectorIndex)provider.GetRequiredService<IVectorStore>()).Folder);
    }

    [Fact]
    public void A_host_registered_token_counter_and_embedder_win_over_the_fallbacks()
    {
        using var embedder = new HashingEmbeddingGenerator(32);
        var counter = new ApproximateTokenCounter();
        using var provider = Build([], services =>
        {
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
            services.AddSingleton<ITokenCounter>(counter);
        });

        Assert.Same(embedder, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Same(counter, provider.GetRequiredService<ITokenCounter>());
    }

    [Theory]
    [InlineData("Retrieval:VectorStore", "Qdrant", "Retrieval:Qdrant:Url")]
    [InlineData("Retrieval:Chunking:OverlapTokens", "500", "Retrieval:Chunking:OverlapTokens")]
    [InlineData("Retrieval:Chunking:MaxTokens", "2", "Retrieval:Chunking:MaxTokens")]
    [InlineData("Retrieval:TopK", "0", "Retrieval:TopK")]
    [InlineData("Retrieval:VectorStore", "Pinecone", "Retrieval:VectorStore")]
    [InlineData("Retrieval:Mode", "Semantic", "Retrieval:Mode")]
    public void Invalid_settings_fail_at_registration_naming_the_key(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(new() { [key] = value }));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Every_invalid_setting_is_reported_at_once()
    {
        var options = new RetrievalOptions { DataDirectory = "data", TopK = 0, RrfK = -1, VectorStore = VectorStoreKind.Qdrant };

        var error = Assert.Throws<OptionsValidationException>(options.Validate);

        Assert.Equal(3, error.Failures.Count());
    }
}
