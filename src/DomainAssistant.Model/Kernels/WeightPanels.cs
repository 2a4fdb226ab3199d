using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Kernels;

/// <summary>
/// A float32 weight [out, in] copied into column panels for <see cref="PanelLinear"/>: panel q holds, for each input
/// element i, the 32 weights W[32q .. 32q + 31, i] side by side ([panels, in, 32], 64-byte aligned). The last panel
/// is padded with zeros when out is not a multiple of 32.
/// </summary>
/// <remarks>A second copy of the weight: it costs the weight's size again in memory, in native memory outside libtorch.</remarks>
public sealed unsafe class WeightPanels : IDisposable
{
    /// <summary>Output columns per panel: two 16-float vectors.</summary>
    public const int Width = 32;

    float* _pointer;

    /// <param name="weight">[out, in] float32 on the CPU.</param>
    public WeightPanels(Tensor weight)
    {
        if (weight.dtype != ScalarType.Float32 || weight.device_type != DeviceType.CPU || weight.dim() != 2)
            throw new ArgumentException($"weight panels need a 2-d float32 CPU weight, not {weight.dtype} [{string.Join(", ", weight.shape)}] on {weight.device_type}.", nameof(weight));
        OutFeatures = (int)weight.size(0);
        InFeatures = (int)weight.size(1);
        Count = (OutFeatures + Width - 1) / Width;
        Bytes = (long)Count * InFeatures * Width * sizeof(float);
        _pointer = (float*)NativeMemory.AlignedAlloc((nuint)Bytes, 64);
        GC.AddMemoryPressure(Bytes);

        using var dense = weight.contiguous();
        fixed (byte* source = dense.bytes)
        {
            float* w = (float*)source, p = _pointer;
            int k = InFeatures, n = OutFeatures;
            Parallel.For(0, Count, panel =>
            {
                float* target = p + (long)panel * k * Width;
                for (int j = 0; j < Width; j++)
                {
                    int column = panel * Width + j;
                    if (column < n)
                    {
                        float* row = w + (long)column * k;
                        for (int i = 0; i < k; i++) target[(long)i * Width + j] = row[i];
                    }
                    else
                    {
                        for (int i = 0; i < k; i++) target[(long)i * Width + j] = 0f;
                    }
                }
            });
        }
    }

    public int OutFeatures { get; }
    public int InFeatures { get; }

    /// <summary>Number of panels.</summary>
    public int Count { get; }

    /// <summary>Native memory held.</summary>
    public long Bytes { get; }

    internal float* Pointer => _pointer != null ? _pointer : throw new ObjectDisposedException(nameof(WeightPanels));

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~WeightPanels() => Free();

    void Free()
    {
        if (_pointer == null) return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
        GC.RemoveMemoryPressure(Bytes);
    }
}
