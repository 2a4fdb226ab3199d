using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>The dtype names a safetensors header uses ("F32", "BF16", ...) and the TorchSharp types they map to.</summary>
public static class SafeTensorsDtype
{
    static readonly (string Name, ScalarType Type, int Size)[] Known =
    [
        ("F64", ScalarType.Float64, 8),
        ("F32", ScalarType.Float32, 4),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8),
        ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2),
        ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1),
        ("BOOL", ScalarType.Bool, 1),
    ];

    /// <summary>The dtype names this reader and writer support, in the order above.</summary>
    public static IReadOnlyList<string> Names { get; } = Known.Select(k => k.Name).ToArray();

    /// <summary>Maps a header dtype name (exact, upper case as the format writes it) to a TorchSharp type.</summary>
    public static bool TryParse(string name, out ScalarType type, out int elementSize)
    {
        foreach (var known in Known)
        {
            if (known.Name != name) continue;
            (type, elementSize) = (known.Type, known.Size);
            return true;
        }
        (type, elementSize) = (default, 0);
        return false;
    }

    /// <summary>The header name for a TorchSharp type; false for types safetensors cannot hold here (complex, quantized).</summary>
    public static bool TryGetName(ScalarType type, out string name, out int elementSize)
    {
        foreach (var known in Known)
        {
            if (known.Type != type) continue;
            (name, elementSize) = (known.Name, known.Size);
            return true;
        }
        (name, elementSize) = (string.Empty, 0);
        return false;
    }
}
