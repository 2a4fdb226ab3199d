using System.Text.Json;

namespace DomainAssistant.Retrieval.Vectors.Qdrant;

/// <summary>
/// JSON bodies of the Qdrant REST calls this store makes (Qdrant's OpenAPI: CreateCollection, CreateFieldIndex,
/// PointInsertOperations, FilterSelector, QueryRequest, CountRequest). Payload keys are snake_case like Qdrant's own.
/// </summary>
static class QdrantRequests
{
    public const string DomainKey = "domain";
    public const string DocumentIdKey = "document_id";

    /// <summary>PUT /collections/{name}: one unnamed dense vector per point, compared by cosine.</summary>
    public static byte[] CreateCollection(int dimensions) => Json(w =>
    {
        w.WriteStartObject("vectors");
        w.WriteNumber("size", dimensions);
        w.WriteString("distance", "Cosine");
        w.WriteEndObject();
    });

    /// <summary>PUT /collections/{name}/index: a keyword index, so domain and document filters stay fast.</summary>
    public static byte[] KeywordIndex(string field) => Json(w =>
    {
        w.WriteString("field_name", field);
        w.WriteString("field_schema", "keyword");
    });

    /// <summary>PUT /collections/{name}/points: points with the chunk id as point id and the chunk as payload.</summary>
    public static byte[] Upsert(IReadOnlyList<ChunkVector> points, IReadOnlyList<float[]> units) => Json(w =>
    {
        w.WriteStartArray("points");
        for (var i = 0; i < points.Count; i++)
        {
            var chunk = points[i].Chunk;
            w.WriteStartObject();
            w.WriteString("id", chunk.Id);
            w.WriteStartArray("vector");
            foreach (var value in units[i]) w.WriteNumberValue(value);
            w.WriteEndArray();
            w.WriteStartObject("payload");
            w.WriteString(DomainKey, chunk.Domain);
            w.WriteString(DocumentIdKey, chunk.DocumentId);
            w.WriteString("chunk_id", chunk.Id);
            w.WriteNumber("ordinal", chunk.Ordinal);
            w.WriteString("title", chunk.Title);
            w.WriteString("source_path", chunk.SourcePath);
            w.WriteNumber("start", chunk.Start);
            w.WriteNumber("end", chunk.End);
            w.WriteString("text", chunk.Text);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>POST /collections/{name}/points/delete: every point of one document of one domain.</summary>
    public static byte[] DeleteDocument(string domain, string documentId) => Json(w =>
        WriteFilter(w, (DomainKey, domain), (DocumentIdKey, documentId)));

    /// <summary>POST /collections/{name}/points/query: nearest points within one domain; ids and scores only.</summary>
    public static byte[] Query(ReadOnlySpan<float> unit, string domain, int k)
    {
        var vector = unit.ToArray();
        return Json(w =>
        {
            w.WriteStartArray("query");
            foreach (var value in vector) w.WriteNumberValue(value);
            w.WriteEndArray();
            WriteFilter(w, (DomainKey, domain));
            w.WriteNumber("limit", k);
            w.WriteBoolean("with_payload", false);
            w.WriteBoolean("with_vector", false);
        });
    }

    /// <summary>POST /collections/{name}/points/count: exact count of one domain's points.</summary>
    public static byte[] CountDomain(string domain) => Json(w =>
    {
        WriteFilter(w, (DomainKey, domain));
        w.WriteBoolean("exact", true);
    });

    /// <summary>"filter": {"must": [{"key": k, "match": {"value": v}}, ...]}: all conditions hold.</summary>
    static void WriteFilter(Utf8JsonWriter w, params (string Key, string Value)[] conditions)
    {
        w.WriteStartObject("filter");
        w.WriteStartArray("must");
        foreach (var (key, value) in conditions)
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteStartObject("match");
            w.WriteString("value", value);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    static byte[] Json(Action<Utf8JsonWriter> writeMembers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
