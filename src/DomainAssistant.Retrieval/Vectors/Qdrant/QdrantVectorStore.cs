using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Retrieval.Vectors.Qdrant;

/// <summary>
/// The scale-out <see cref="IVectorStore"/>: one Qdrant collection over its REST API (no client package: our
/// registry has none). Point ids are chunk ids (UUIDs); the payload carries the chunk and its domain, and every
/// search and delete filters on the domain. The collection is created, with keyword indexes on domain and
/// document id, on the first write. Thread-safe.
/// </summary>
public sealed class QdrantVectorStore : IVectorStore, IDisposable
{
    /// <summary>Name of the HttpClient the DI extension configures for this store.</summary>
    public const string HttpClientName = "qdrant";

    /// <summary>Points per upsert request: keeps request bodies to a few MB at common dimensions.</summary>
    const int UpsertBatch = 256;

    readonly HttpClient _http;
    readonly QdrantOptions _options;
    readonly Uri _collection;
    readonly SemaphoreSlim _ensure = new(1, 1);
    int _ensuredDimensions;

    /// <param name="http">Sends the requests; its BaseAddress is not used (URLs come from <paramref name="options"/>).</param>
    /// <param name="options">Server URL, collection and optional API key; validated here.</param>
    public QdrantVectorStore(HttpClient http, QdrantOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
        var root = options.Url.EndsWith('/') ? options.Url : options.Url + "/";
        _collection = new Uri(new Uri(root), $"collections/{Uri.EscapeDataString(options.Collection)}");
    }

    /// <inheritdoc />
    public async Task UpsertAsync(IReadOnlyList<ChunkVector> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) return;
        var units = points.Select(p => UnitVector.From(p.Vector.Span, $"chunk {p.Chunk.Id}")).ToArray();
        foreach (var point in points)
            if (!Guid.TryParse(point.Chunk.Id, out _))
                throw new ArgumentException($"Chunk id '{point.Chunk.Id}' is not a UUID; Qdrant point ids must be (use ChunkIds.For).", nameof(points));
        if (units.Any(u => u.Length != units[0].Length))
            throw new ArgumentException("The vectors of one upsert differ in length.", nameof(points));
        await EnsureCollectionAsync(units[0].Length, cancellationToken);
        for (var from = 0; from < points.Count; from += UpsertBatch)
        {
            var count = Math.Min(UpsertBatch, points.Count - from);
            var body = QdrantRequests.Upsert([.. points.Skip(from).Take(count)], units[from..(from + count)]);
            using var _ = await SendAsync(HttpMethod.Put, "/points?wait=true", body, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task DeleteDocumentAsync(string domain, string documentId, CancellationToken cancellationToken = default)
    {
        var body = QdrantRequests.DeleteDocument(domain, documentId);
        using var _ = await SendAsync(HttpMethod.Post, "/points/delete?wait=true", body, cancellationToken, missingIsEmpty: true);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChunkScore>> SearchAsync(ReadOnlyMemory<float> query, string domain, int k, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var unit = UnitVector.From(query.Span, "the query");
        using var response = await SendAsync(HttpMethod.Post, "/points/query", QdrantRequests.Query(unit, domain, k), cancellationToken, missingIsEmpty: true);
        return response is null ? [] : QdrantResponses.QueryPoints(response, "points/query");
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string? domain, CancellationToken cancellationToken = default)
    {
        if (domain is null)
        {
            using var info = await SendAsync(HttpMethod.Get, "", null, cancellationToken, missingIsEmpty: true);
            return info is null ? 0 : QdrantResponses.PointsCount(info, "GET collection");
        }
        using var count = await SendAsync(HttpMethod.Post, "/points/count", QdrantRequests.CountDomain(domain), cancellationToken, missingIsEmpty: true);
        return count is null ? 0 : QdrantResponses.Count(count, "points/count");
    }

    /// <summary>Creates the collection when absent; refuses vectors of another length than an existing collection's.</summary>
    async Task EnsureCollectionAsync(int dimensions, CancellationToken cancellationToken)
    {
        await _ensure.WaitAsync(cancellationToken);
        try
        {
            if (_ensuredDimensions == 0)
            {
                using var info = await SendAsync(HttpMethod.Get, "", null, cancellationToken, missingIsEmpty: true);
                if (info is null) await CreateCollectionAsync(dimensions, cancellationToken);
                _ensuredDimensions = info is null ? dimensions : QdrantResponses.VectorSize(info, "GET collection") ?? dimensions;
            }
            if (_ensuredDimensions != dimensions)
                throw new ArgumentException(
                    $"Qdrant collection '{_options.Collection}' holds {_ensuredDimensions}-dimensional vectors; these are {dimensions}-dimensional " +
                    "(was the embedding model changed? use a new collection and re-ingest).");
        }
        finally
        {
            _ensure.Release();
        }
    }

    async Task CreateCollectionAsync(int dimensions, CancellationToken cancellationToken)
    {
        using (await SendAsync(HttpMethod.Put, "", QdrantRequests.CreateCollection(dimensions), cancellationToken)) { }
        foreach (var field in new[] { QdrantRequests.DomainKey, QdrantRequests.DocumentIdKey })
            using (await SendAsync(HttpMethod.Put, "/index?wait=true", QdrantRequests.KeywordIndex(field), cancellationToken)) { }
    }

    /// <summary>
    /// Sends one call on the collection and parses the JSON answer. With <paramref name="missingIsEmpty"/>, a 404
    /// (no collection yet: nothing was ever written) gives null instead of an error.
    /// </summary>
    async Task<JsonDocument?> SendAsync(HttpMethod method, string pathAndQuery, byte[]? body, CancellationToken cancellationToken, bool missingIsEmpty = false)
    {
        var uri = new Uri(_collection + pathAndQuery);
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        if (!string.IsNullOrEmpty(_options.ApiKey)) request.Headers.Add("api-key", _options.ApiKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (missingIsEmpty && response.StatusCode == HttpStatusCode.NotFound) return null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException(
                $"Qdrant {method} {uri.AbsolutePath} failed with {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(text)}",
                inner: null,
                response.StatusCode);
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Qdrant {method} {uri.AbsolutePath} answered with invalid JSON: {Truncate(text)}", e);
        }
    }

    /// <summary>Releases the creation lock; the HttpClient belongs to the caller and stays open.</summary>
    public void Dispose() => _ensure.Dispose();

    static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "...";
}
