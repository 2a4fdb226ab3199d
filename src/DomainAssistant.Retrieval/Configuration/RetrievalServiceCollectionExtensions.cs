using DomainAssistant.Retrieval.Chunking;
using DomainAssistant.Retrieval.Embeddings;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Retrieval.Vectors;
using DomainAssistant.Retrieval.Vectors.Qdrant;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainAssistant.Retrieval.Configuration;

/// <summary>Registers retrieval in a host's composition root.</summary>
public static class RetrievalServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates "Retrieval" (failing now, at startup, with every bad setting named) and registers the
    /// lexical index and chunk catalog (SQLite), the configured <see cref="IVectorStore"/>, <see cref="TextChunker"/>,
    /// <see cref="IRetriever"/> (<see cref="HybridRetriever"/>), <see cref="CorpusIngestor"/> and <see cref="CorpusReembedder"/>,
    /// all singletons. Vector stores are kept per embedding space (<see cref="VectorStoresBySpace"/>); the registered
    /// <see cref="IVectorStore"/> is the one of the registered generator's space.
    /// The token counter and embedding generator are registered only if the host has none (TryAdd): without a
    /// model they fall back to <see cref="ApproximateTokenCounter"/> and <see cref="HashingEmbeddingGenerator"/>;
    /// a host that loads a model registers its own, before or after this call.
    /// </summary>
    /// <exception cref="OptionsValidationException">The section has a value that cannot work.</exception>
    public static IServiceCollection AddRetrieval(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = Bind(configuration);
        services.AddSingleton(options);
        services.AddSingleton(Options.Create(options));

        services.TryAddSingleton<ITokenCounter, ApproximateTokenCounter>();
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new HashingEmbeddingGenerator(options.HashingDimensions));
        services.AddSingleton(sp => new TextChunker(sp.GetRequiredService<ITokenCounter>(), options.Chunking));
        services.AddSingleton(_ => new SqliteLexicalIndex(options.LexicalDatabasePath));
        services.AddSingleton<ILexicalIndex>(sp => sp.GetRequiredService<SqliteLexicalIndex>());
        services.AddSingleton<IChunkCatalog>(sp => sp.GetRequiredService<SqliteLexicalIndex>());
        AddVectorStore(services, options);
        services.AddSingleton(sp => new HybridRetriever(
            sp.GetRequiredService<ILexicalIndex>(),
            sp.GetRequiredService<IVectorStore>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<IChunkCatalog>(),
            options.Mode,
            options.RrfK,
            sp.GetService<ILogger<HybridRetriever>>()));
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<HybridRetriever>());
        services.AddSingleton(sp => new CorpusReembedder(sp.GetRequiredService<IChunkCatalog>(), options.EmbeddingBatchSize));
        services.AddSingleton(sp => new CorpusIngestor(
            sp.GetRequiredService<TextChunker>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<ILexicalIndex>(),
            sp.GetRequiredService<IChunkCatalog>(),
            sp.GetRequiredService<IVectorStore>(),
            options.EmbeddingBatchSize));
        return services;
    }

    /// <summary>Storage:DataDirectory's default, shared by every host (docs/configuration.md).</summary>
    const string DefaultStorageDirectory = ".data";

    static RetrievalOptions Bind(IConfiguration configuration)
    {
        var options = new RetrievalOptions();
        try
        {
            configuration.GetSection(RetrievalOptions.SectionName).Bind(options);
            if (string.IsNullOrWhiteSpace(options.DataDirectory))
                options.DataDirectory = Path.Combine(configuration["Storage:DataDirectory"] ?? DefaultStorageDirectory, "retrieval");
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the value it could not convert (e.g. an unknown VectorStore).
            throw new OptionsValidationException(RetrievalOptions.SectionName, typeof(RetrievalOptions), [e.Message]);
        }
        options.Validate();
        return options;
    }

    /// <summary>The store of each embedding space, and as <see cref="IVectorStore"/> the one of the registered generator's space.</summary>
    static void AddVectorStore(IServiceCollection services, RetrievalOptions options)
    {
        if (options.VectorStore == VectorStoreKind.Embedded)
            services.AddSingleton(_ => new VectorStoresBySpace(options));
        else
        {
            // One long-lived client per store; recycling pooled connections keeps DNS changes visible.
            services.AddHttpClient(QdrantVectorStore.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            services.AddSingleton(sp => new VectorStoresBySpace(options,
                () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(QdrantVectorStore.HttpClientName)));
        }
        services.AddSingleton(sp =>
        {
            // Runs once, when the singleton is first resolved; generators with metadata (all built-in ones) answer at once.
            var space = EmbeddingSpace.OfAsync(sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()).GetAwaiter().GetResult();
            return sp.GetRequiredService<VectorStoresBySpace>().Open(space);
        });
    }
}
