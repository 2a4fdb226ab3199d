using System.Text.Json;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// The index of a sharded checkpoint (model.safetensors.index.json):
/// {"metadata": {"total_size": bytes of all tensors}, "weight_map": {tensor name: shard file name}}.
/// </summary>
public sealed record SafeTensorsIndex(long TotalSize, IReadOnlyDictionary<string, string> WeightMap)
{
    public const string FileName = "model.safetensors.index.json";

    /// <summary>Distinct shard file names, in order.</summary>
    public IReadOnlyList<string> ShardFiles => WeightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Reads and checks an index; shard names must be plain file names beside the index (no paths).</summary>
    public static SafeTensorsIndex Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw Bad(path, $"not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw Bad(path, "expected an object with a \"weight_map\" object of tensor name -> shard file");
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in map.EnumerateObject())
            {
                string? shard = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString() : null;
                if (!IsPlainFileName(shard))
                    throw Bad(path, $"weight_map entry '{item.Name}' must name a shard file beside the index, got {item.Value.GetRawText()}");
                if (!weightMap.TryAdd(item.Name, shard!)) throw Bad(path, $"weight_map lists '{item.Name}' twice");
            }
            return new SafeTensorsIndex(TotalSizeOf(root), weightMap);
        }
    }

    /// <summary>Writes the index as Hugging Face does: indented, keys sorted.</summary>
    public void Write(string path)
    {
        string partial = path + ".partial";
        using (var stream = File.Create(partial))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", TotalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, shard) in WeightMap.OrderBy(p => p.Key, StringComparer.Ordinal)) json.WriteString(name, shard);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>Some writers store total_size as a float; it is informative only, so a missing one reads as 0.</summary>
    static long TotalSizeOf(JsonElement root)
    {
        if (!root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object) return 0;
        if (!metadata.TryGetProperty("total_size", out var total) || total.ValueKind != JsonValueKind.Number) return 0;
        return total.TryGetInt64(out long exact) ? exact : (long)total.GetDouble();
    }

    static bool IsPlainFileName(string? name) =>
        !string.IsNullOrEmpty(name) && name is not ("." or "..") && name.IndexOfAny(['/', '\\', '\0']) < 0;

    static InvalidDataException Bad(string path, string problem) =>
        new($"Invalid sharded checkpoint index '{path}': {problem}.");
}
