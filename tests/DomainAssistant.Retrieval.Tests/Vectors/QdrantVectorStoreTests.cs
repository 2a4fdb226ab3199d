using System.Net;
using System.Text.Json;
using DomainAssistant.Retrieval.Tests.Support;
using DomainAssistant.Retrieval.Vectors.Qdrant;
using static DomainAssistant.Retrieval.Tests.Support.Points;

namespace DomainAssistant.Retrieval.Tests.Vectors;

public sealed class QdrantVectorStoreTests : IDisposable
{
    const string CollectionInfo = """
        {"result":{"status":"green","optimizer_status":"ok","indexed_vectors_count":0,"points_count":7,"segments_count":2,
         "config":{"params":{"vectors":{"size":3,"distance":"Cosine"},"shard_number":1,"replication_factor":1},
                   "hnsw_config":{"m":16,"ef_construct":100}},"payload_schema":{}},"status":"ok","time":0.0001}
        """;

    const string NotFound = """{"status":{"error":"Not found: Collection `chunks` doesn't exist!"},"time":0.00002}""";

    readonly RecordingHttpMessageHandler _server = new();

    public void Dispose() => _server.Dispose();

    QdrantVectorStore Store(string? apiKey = null) =>
        new(new HttpClient(_server, disposeHandler: false), new QdrantOptions { Url = "http://qdrant.test:6333", Collection = "chunks", ApiKey = apiKey });

    static JsonElement Json(RecordedRequest request) => JsonDocument.Parse(request.Body!).RootElement;

    static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    [Fact]
    public async Task First_upsert_creates_the_collection_with_indexes_then_writes_the_points()
    {
        _server.Respond(HttpStatusCode.NotFound, NotFound);
        var point = Point("ops", "a.md", 0, 3, 0, 4);

        await Store(apiKey: "secret").UpsertAsync([point]);

        Assert.Equal(
            ["GET /collections/chunks", "PUT /collections/chunks", "PUT /collections/chunks/index?wait=true",
             "PUT /collections/chunks/index?wait=true", "PUT /collections/chunks/points?wait=true"],
            _server.Requests.Select(r => $"{r.Method} {r.Uri.PathAndQuery}"));
        Assert.All(_server.Requests, r => Assert.Equal("http://qdrant.test:6333", r.Uri.GetLeftPart(UriPartial.Authority)));
        Assert.All(_server.Requests, r => Assert.Equal("secret", r.ApiKey));
        Assert.All(_server.Requests.Where(r => r.Body is not null), r => Assert.Equal("application/json", r.ContentType));
        Assert.Equal(Compact("""{"vectors":{"size":3,"distance":"Cosine"}}"""), _server.Requests[1].Body);
        Assert.Equal(Compact("""{"field_name":"domain","field_schema":"keyword"}"""), _server.Requests[2].Body);
        Assert.Equal(Compact("""{"field_name":"document_id","field_schema":"keyword"}"""), _server.Requests[3].Body);

        var written = Json(_server.Requests[4]).GetProperty("points").EnumerateArray().Single();
        Assert.Equal(point.Chunk.Id, written.GetProperty("id").GetString());
        Assert.Equal([0.6f, 0f, 0.8f], written.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()));
        var payload = written.GetProperty("payload");
        Assert.Equal("ops", payload.GetProperty("domain").GetString());
        Assert.Equal("a.md", payload.GetProperty("document_id").GetString());
        Assert.Equal(point.Chunk.Id, payload.GetProperty("chunk_id").GetString());
        Assert.Equal("corpus/a.md", payload.GetProperty("source_path").GetString());
        Assert.Equal("text", payload.GetProperty("text").GetString());
    }

    [Fact]
    public async Task An_existing_collection_is_checked_once_and_not_recreated()
    {
        _server.RespondOk(CollectionInfo);
        var store = Store();

        await store.UpsertAsync([Point("ops", "a.md", 0, 1, 0, 0)]);
        await store.UpsertAsync([Point("ops", "a.md", 1, 0, 1, 0)]);

        Assert.Equal(
            ["GET /collections/chunks", "PUT /collections/chunks/points?wait=true", "PUT /collections/chunks/points?wait=true"],
            _server.Requests.Select(r => $"{r.Method} {r.Uri.PathAndQuery}"));
        Assert.Null(_server.Requests[0].ApiKey);
    }

    [Fact]
    public async Task Vectors_of_another_size_than_the_collection_are_refused()
    {
        _server.RespondOk(CollectionInfo);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store().UpsertAsync([Point("ops", "a.md", 0, 1, 0, 0, 0)]));

        Assert.Contains("3-dimensional", error.Message);
        Assert.Contains("4-dimensional", error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Search_queries_nearest_points_within_the_domain_and_reads_ids_and_scores()
    {
        var first = Chunk("ops", "a.md", 0).Id;
        var second = Chunk("ops", "b.md", 2).Id;
        _server.RespondOk($$"""
            {"result":{"points":[{"id":"{{first}}","version":3,"score":0.91},{"id":"{{second}}","version":3,"score":0.42}]},"status":"ok","time":0.001}
            """);

        var hits = await Store().SearchAsync(new float[] { 0, 2, 0 }, "ops", k: 5);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST /collections/chunks/points/query", $"{request.Method} {request.Uri.PathAndQuery}");
        Assert.Equal(
            Compact("""
                {"query":[0,1,0],"filter":{"must":[{"key":"domain","match":{"value":"ops"}}]},"limit":5,"with_payload":false,"with_vector":false}
                """),
            request.Body);
        Assert.Equal([(first, 0.91), (second, 0.42)], hits.Select(h => (h.ChunkId, Math.Round(h.Score, 2))));
    }

    [Fact]
    public async Task Searching_before_anything_was_written_finds_nothing()
    {
        _server.Respond(HttpStatusCode.NotFound, NotFound);

        Assert.Empty(await Store().SearchAsync(new float[] { 1, 0, 0 }, "ops", k: 5));
    }

    [Fact]
    public async Task Deleting_a_document_filters_on_domain_and_document_id()
    {
        await Store().DeleteDocumentAsync("ops", "a.md");

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST /collections/chunks/points/delete?wait=true", $"{request.Method} {request.Uri.PathAndQuery}");
        Assert.Equal(
            Compact("""
                {"filter":{"must":[{"key":"domain","match":{"value":"ops"}},{"key":"document_id","match":{"value":"a.md"}}]}}
                """),
            request.Body);
    }

    [Fact]
    public async Task Counts_a_domain_exactly_and_the_collection_from_its_info()
    {
        _server.RespondOk("""{"result":{"count":4},"status":"ok","time":0.0002}""").RespondOk(CollectionInfo);
        var store = Store();

        var domain = await store.CountAsync("ops");
        var all = await store.CountAsync(null);

        Assert.Equal((4, 7), (domain, all));
        Assert.Equal("POST /collections/chunks/points/count", $"{_server.Requests[0].Method} {_server.Requests[0].Uri.PathAndQuery}");
        Assert.Equal(Compact("""{"filter":{"must":[{"key":"domain","match":{"value":"ops"}}]},"exact":true}"""), _server.Requests[0].Body);
        Assert.Equal("GET /collections/chunks", $"{_server.Requests[1].Method} {_server.Requests[1].Uri.PathAndQuery}");
    }

    [Fact]
    public async Task A_server_error_names_the_call_the_status_and_the_servers_message()
    {
        _server.Respond(HttpStatusCode.BadRequest, """{"status":{"error":"Wrong input: bad filter"},"time":0.0}""");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Store().SearchAsync(new float[] { 1, 0, 0 }, "ops", 3));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("/collections/chunks/points/query", error.Message);
        Assert.Contains("400", error.Message);
        Assert.Contains("Wrong input: bad filter", error.Message);
    }

    [Fact]
    public async Task An_answer_without_the_expected_fields_is_invalid_data()
    {
        _server.RespondOk("""{"status":"ok","time":0.001}""").RespondOk("""{"result":{"points":[{"id":"x"}]}}""");
        var store = Store();

        await Assert.ThrowsAsync<InvalidDataException>(() => store.SearchAsync(new float[] { 1, 0, 0 }, "ops", 3));
        await Assert.ThrowsAsync<InvalidDataException>(() => store.SearchAsync(new float[] { 1, 0, 0 }, "ops", 3));
    }

    [Fact]
    public async Task Chunk_ids_that_are_not_uuids_are_refused_before_any_request()
    {
        var point = Point("ops", "a.md", 0, 1, 0, 0);
        point = point with { Chunk = point.Chunk with { Id = "not-a-uuid" } };

        await Assert.ThrowsAsync<ArgumentException>(() => Store().UpsertAsync([point]));
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData("", "chunks", "Url")]
    [InlineData("ftp://qdrant:6333", "chunks", "Url")]
    [InlineData("http://qdrant:6333", "my collection", "Collection")]
    public void Bad_options_are_refused_with_the_setting_named(string url, string collection, string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => new QdrantVectorStore(new HttpClient(_server, disposeHandler: false), new QdrantOptions { Url = url, Collection = collection }));

        Assert.Contains("Qdrant:" + setting, error.Message);
    }
}
