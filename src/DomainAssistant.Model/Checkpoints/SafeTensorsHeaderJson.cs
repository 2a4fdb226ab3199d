using System.Text.Json;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// Turns the JSON header into entries, checking each one on its own: a known dtype, a sane shape, and data_offsets
/// whose span is exactly shape x element size and that lie inside the data region.
/// </summary>
static class SafeTensorsHeaderJson
{
    public const string MetadataKey = "__metadata__";

    /// <summary>libtorch's own limit on dimensions; anything above is a corrupt header, not a tensor.</summary>
    const int MaxRank = 64;

    public static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(byte[] json, string path, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw SafeTensorsHeader.Corrupt(path, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw SafeTensorsHeader.Corrupt(path, $"the header must be a JSON object of tensors, got {root.ValueKind}");
            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw SafeTensorsHeader.Corrupt(path, $"tensor '{property.Name}' appears twice in the header");
                if (property.Name == MetadataKey) ReadMetadata(property.Value, path, metadata);
                else entries.Add(ReadEntry(property.Name, property.Value, path, dataLength));
            }
            return (entries, metadata);
        }
    }

    static void ReadMetadata(JsonElement value, string path, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw SafeTensorsHeader.Corrupt(path, $"{MetadataKey} must be an object of strings, got {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw SafeTensorsHeader.Corrupt(path, $"{MetadataKey} entry '{item.Name}' must be a string, got {item.Value.ValueKind}");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    static SafeTensorsEntry ReadEntry(string name, JsonElement value, string path, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(path, name, $"expected an object with dtype, shape and data_offsets, got {value.ValueKind}");
        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String)
            throw Bad(path, name, "dtype is missing or not a string");
        string dtype = dtypeValue.GetString()!;
        if (!SafeTensorsDtype.TryParse(dtype, out var scalarType, out int elementSize))
            throw Bad(path, name, $"unknown dtype '{dtype}' (supported: {string.Join(", ", SafeTensorsDtype.Names)})");

        long[] shape = ReadIntegers(value, "shape", path, name);
        if (shape.Length > MaxRank) throw Bad(path, name, $"shape has {shape.Length} dimensions, more than {MaxRank}");
        if (shape.Any(d => d < 0)) throw Bad(path, name, $"shape [{string.Join(", ", shape)}] has a negative dimension");
        long[] offsets = ReadIntegers(value, "data_offsets", path, name);
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            throw Bad(path, name, $"data_offsets [{string.Join(", ", offsets)}] must be two offsets [begin, end] with 0 <= begin <= end");

        long byteCount = ByteCount(shape, elementSize)
            ?? throw Bad(path, name, $"shape [{string.Join(", ", shape)}] is absurd: its size in bytes overflows 64 bits");
        var (begin, end) = (offsets[0], offsets[1]);
        if (byteCount != end - begin)
            throw Bad(path, name, $"the header lies about shapes: {dtype}[{string.Join(", ", shape)}] needs {byteCount} bytes " +
                                  $"but data_offsets [{begin}, {end}] span {end - begin}");
        if (end > dataLength)
            throw Bad(path, name, $"data_offsets [{begin}, {end}] run past the end of the data region ({dataLength} bytes): the file is truncated");
        return new SafeTensorsEntry(name, dtype, scalarType, shape, begin, end);
    }

    static long? ByteCount(long[] shape, int elementSize)
    {
        try
        {
            long count = elementSize;
            foreach (long dim in shape) count = checked(count * dim);
            return count;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    static long[] ReadIntegers(JsonElement entry, string field, string path, string name)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw Bad(path, name, $"{field} is missing or not an array");
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i++]))
                throw Bad(path, name, $"{field} must hold integers, found {item.GetRawText()}");
        }
        return values;
    }

    static InvalidDataException Bad(string path, string name, string problem) =>
        SafeTensorsHeader.Corrupt(path, $"tensor '{name}': {problem}");
}
