using System.Text.Json;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Retrieval.Vectors.Qdrant;

/// <summary>
/// Reads the parts of Qdrant's REST responses this store needs; every response wraps its answer in "result".
/// A response without the expected fields is an <see cref="InvalidDataException"/> naming the call.
/// </summary>
static class QdrantResponses
{
    /// <summary>Query: {"result": {"points": [{"id": "uuid", "score": 0.87, ...}]}}.</summary>
    public static List<ChunkScore> QueryPoints(JsonDocument response, string call)
    {
        var points = Result(response, call).TryGetProperty("points", out var p) && p.ValueKind == JsonValueKind.Array
            ? p
            : throw Unexpected(call, "result.points is missing");
        var scores = new List<ChunkScore>(points.GetArrayLength());
        foreach (var point in points.EnumerateArray())
        {
            if (!point.TryGetProperty("id", out var id) || !point.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number)
                throw Unexpected(call, "a point lacks its id or score");
            // Point ids are chunk ids (UUIDs), echoed as strings; a numeric id was not written by this store.
            var chunkId = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
            scores.Add(new ChunkScore(chunkId, score.GetDouble()));
        }
        return scores;
    }

    /// <summary>Count: {"result": {"count": 42}}.</summary>
    public static long Count(JsonDocument response, string call) =>
        Result(response, call).TryGetProperty("count", out var count) && count.TryGetInt64(out var value)
            ? value
            : throw Unexpected(call, "result.count is missing");

    /// <summary>Collection info: {"result": {"points_count": 42, ...}}; null counts as 0 (an empty, unindexed collection).</summary>
    public static long PointsCount(JsonDocument response, string call)
    {
        if (!Result(response, call).TryGetProperty("points_count", out var count) || count.ValueKind == JsonValueKind.Null) return 0;
        return count.TryGetInt64(out var value) ? value : throw Unexpected(call, "result.points_count is not a number");
    }

    /// <summary>Collection info: result.config.params.vectors.size of an unnamed vector, or null when not found.</summary>
    public static int? VectorSize(JsonDocument response, string call)
    {
        var result = Result(response, call);
        return result.TryGetProperty("config", out var config)
            && config.TryGetProperty("params", out var parameters)
            && parameters.TryGetProperty("vectors", out var vectors)
            && vectors.ValueKind == JsonValueKind.Object
            && vectors.TryGetProperty("size", out var size)
            && size.TryGetInt32(out var value)
            ? value
            : null;
    }

    static JsonElement Result(JsonDocument response, string call) =>
        response.RootElement.ValueKind == JsonValueKind.Object && response.RootElement.TryGetProperty("result", out var result)
            ? result
            : throw Unexpected(call, "the response has no \"result\"");

    static InvalidDataException Unexpected(string call, string problem) =>
        new($"Qdrant answered {call} with an unexpected body: {problem}.");
}
