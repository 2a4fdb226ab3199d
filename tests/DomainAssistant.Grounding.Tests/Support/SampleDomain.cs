using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Ingestion;
using DomainAssistant.Retrieval.Lexical;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.Training.Corpus;
using DomainAssistant.Training.Tokenizers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Grounding.Tests.Support;

/// <summary>
/// The real sample domain domains/tidewell-support set up as `da data grounded` sets it up: its corpus ingested with
/// the host's retrieval defaults into a scratch folder (AddRetrieval + CorpusIngestor.IngestFolderAsync), a byte-level
/// BPE tokenizer trained on the corpus as `da tokenizer train` trains it (vocabulary 1,000 to keep it fast) and a
/// context of 1,024 tokens. Shared by the tests of one collection; the grounded data is built once, on first use.
/// </summary>
public sealed class SampleDomain : IAsyncLifetime, IDisposable
{
    public const string Name = "tidewell-support";
    public const int ContextLength = 1024;

    /// <summary>
    /// The layout `da data grounded` builds by default: two questions per sentence, 12% of sources removed, at most
    /// 4,000 sentence examples (the sample corpus yields fewer, so every corpus sentence is asked about).
    /// </summary>
    public static GroundedDataOptions Options { get; } = new();

    readonly TempFolder _scratch = new();
    ServiceProvider? _services;
    bool _disposed;
    Task<(IReadOnlyList<GroundedExample> Examples, GroundedDataReport Report)>? _guarded;

    public DomainProfile Profile { get; } = DomainFile.Read(RepositoryFiles.Domain(Name));

    public ModelTokenizer Tokenizer { get; private set; } = null!;

    public IRetriever Retriever => _services!.GetRequiredService<IRetriever>();

    public IChunkCatalog Catalog => _services!.GetRequiredService<IChunkCatalog>();

    public GroundedExampleBuilder Builder(GroundedDataOptions? options = null) => new(Retriever, Catalog, Tokenizer, ContextLength, options ?? Options);

    /// <summary>The domain's grounded data with its held-out guard (<see cref="HeldOutGuard.For"/>), as `da data grounded` builds it.</summary>
    public Task<(IReadOnlyList<GroundedExample> Examples, GroundedDataReport Report)> GuardedAsync() =>
        _guarded ??= Builder().BuildAsync(Profile, HeldOutGuard.For(Profile), CancellationToken.None);

    public async Task InitializeAsync()
    {
        var vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = 1000 }).Train(new TextCorpus(Profile.CorpusFolder).ReadDocuments());
        HuggingFaceTokenizerFolder.Save(vocabulary, _scratch.Combine("tokenizer"), modelMaxLength: ContextLength);
        Tokenizer = TokenizerLoader.Load(_scratch.Combine("tokenizer"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Retrieval:DataDirectory"] = _scratch.Combine("index") }).Build();
        _services = new ServiceCollection().AddRetrieval(configuration).BuildServiceProvider();
        await _services.GetRequiredService<CorpusIngestor>().IngestFolderAsync(Profile.CorpusFolder, Profile.Name);
    }

    public void Dispose() => DisposeAsync().GetAwaiter().GetResult();

    public async Task DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_guarded is not null) await _guarded.ContinueWith(_ => { }, TaskScheduler.Default);
        if (_services is not null) await _services.DisposeAsync();
        _scratch.Dispose();
    }
}

/// <summary>The test classes that share one <see cref="SampleDomain"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SampleDomainGroup : ICollectionFixture<SampleDomain>
{
    public const string Name = "tidewell-support grounded data";
}
