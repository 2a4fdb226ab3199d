using static TorchSharp.torch;

namespace DomainAssistant.Model.Checkpoints;

/// <summary>
/// One tensor as a safetensors header describes it: name, dtype, shape and where its bytes lie in the data region
/// (offsets relative to the first byte after the header). Validated against the file before it is handed out.
/// </summary>
public sealed record SafeTensorsEntry(string Name, string Dtype, ScalarType ScalarType, IReadOnlyList<long> Shape, long DataBegin, long DataEnd)
{
    /// <summary>Bytes the tensor occupies on disk: element count x element size.</summary>
    public long ByteLength => DataEnd - DataBegin;

    public long[] ShapeArray() => [.. Shape];

    public override string ToString() => $"{Name} {Dtype}[{string.Join(", ", Shape)}]";
}
