using DomainAssistant.Retrieval.Tests.Support;
using DomainAssistant.Retrieval.Vectors.Qdrant;
using static DomainAssistant.Retrieval.Tests.Support.Points;

namespace DomainAssistant.Retrieval.Tests.Vectors;

/// <summary>Runs against the real Qdrant server named by QDRANT_URL, in a throw-away collection.</summary>
public sealed class QdrantIntegrationTests : IDisposable
{
    readonly HttpClient _http = new();
    readonly string _collection = "da-test-" + Guid.NewGuid().ToString("N")[..12];

    QdrantVectorStore Store() => new(_http, new QdrantOptions { Url = QdrantFactAttribute.Url!, Collection = _collection });

    public void Dispose()
    {
        if (QdrantFactAttribute.Url is { } url)
            _http.DeleteAsync($"{url.TrimEnd('/')}/collections/{_collection}").GetAwaiter().GetResult().Dispose();
        _http.Dispose();
    }

    [QdrantFact]
    public async Task Writes_searches_counts_and_deletes_on_a_real_server()
    {
        using var store = Store();
        await store.UpsertAsync([
            Point("ops", "a.md", 0, 1, 0, 0),
            Point("ops", "b.md", 0, 0, 1, 0),
            Point("billing", "a.md", 0, 1, 0, 0),
        ]);

        var hits = await store.SearchAsync(new float[] { 1, 0.1f, 0 }, "ops", k: 5);
        Assert.Equal([Chunk("ops", "a.md", 0).Id, Chunk("ops", "b.md", 0).Id], hits.Select(h => h.ChunkId));
        Assert.Equal(2, await store.CountAsync("ops"));
        Assert.Equal(3, await store.CountAsync(null));

        await store.DeleteDocumentAsync("ops", "a.md");

        Assert.Equal([Chunk("ops", "b.md", 0).Id], (await store.SearchAsync(new float[] { 1, 0, 0 }, "ops", k: 5)).Select(h => h.ChunkId));
        Assert.Equal(1, await store.CountAsync("billing"));
    }
}
