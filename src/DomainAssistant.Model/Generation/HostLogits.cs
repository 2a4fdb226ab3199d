using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Generation;

/// <summary>Copies logits out of libtorch into managed memory in one block, for the samplers.</summary>
/// <remarks>
/// TorchSharp's <c>data&lt;float&gt;().ToArray()</c> walks a tensor one element at a time through an iterator of
/// offsets, which for a batch of rows over a 32,000-token vocabulary cost a large share of a decode step (figures:
/// docs/modeling.md, 'Logits to the samplers'). A dense float32 CPU tensor is one block of memory: copy it as one.
/// </remarks>
internal sealed class HostLogits
{
    // Reused across steps: a fresh 1 MB array per step (8 x 32,000 floats) would land on the large-object heap
    // and keep the garbage collector busy on the engine's hot loop.
    float[] _buffer = [];

    /// <summary>Copies <paramref name="logits"/> (any shape, dtype and device) as float32 in row-major order.</summary>
    /// <returns>A view of this object's buffer, valid until the next copy.</returns>
    public ReadOnlySpan<float> Copy(Tensor logits)
    {
        using var dense = logits.to(ScalarType.Float32, CPU).contiguous();
        var source = MemoryMarshal.Cast<byte, float>(dense.bytes);
        if (_buffer.Length < source.Length) _buffer = new float[source.Length];
        source.CopyTo(_buffer);
        return _buffer.AsSpan(0, source.Length);
    }
}
