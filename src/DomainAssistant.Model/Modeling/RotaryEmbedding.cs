using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>The cos and sign-folded sin of every rotated dimension for a batch: each [B or 1, T, 1, head_dim].</summary>
public readonly record struct RotaryAngles(Tensor Cos, Tensor Sin);

/// <summary>
/// Rotary position embedding with precomputed tables, for both pairings of a head's dimensions
/// (<see cref="RopeStyle.Adjacent"/> as llama2.c, <see cref="RopeStyle.Halves"/> as Hugging Face's rotate_half).
/// </summary>
/// <remarks>
/// Rotating the pair (a, b) by angle t gives (a cos t - b sin t, b cos t + a sin t). Written per dimension i:
/// out[i] = x[i] cos t_i + x[partner(i)] * (sign(i) sin t_i). The sign is folded into the sin table and the
/// partner is a fixed index, so applying the rotation costs three tensor ops whatever the style.
/// Tables are float32; lookups are cast to the activations' dtype as Hugging Face does.
/// </remarks>
public sealed class RotaryEmbedding : IDisposable
{
    readonly Tensor _cos;        // [maxPositions, head_dim] float32
    readonly Tensor _signedSin;  // [maxPositions, head_dim] float32, negated where the partner is subtracted
    readonly Tensor _partner;    // [head_dim] int64

    public RotaryEmbedding(int headDim, int maxPositions, double theta, RopeStyle style, Device? device = null, Llama3RopeScaling? scaling = null)
    {
        if (headDim <= 0 || headDim % 2 != 0) throw new ArgumentException($"head_dim must be positive and even, got {headDim}.", nameof(headDim));
        if (maxPositions <= 0) throw new ArgumentException($"max positions must be positive, got {maxPositions}.", nameof(maxPositions));
        HeadDim = headDim;
        MaxPositions = maxPositions;
        Style = style;

        var half = headDim / 2;
        var angles = new double[maxPositions * headDim];
        var sign = new double[headDim];
        var partner = new long[headDim];
        for (var i = 0; i < headDim; i++)
        {
            // Which frequency dimension i uses, who it pairs with, and whether the partner enters negated.
            var (pair, other, negated) = style == RopeStyle.Adjacent
                ? (i / 2, i % 2 == 0 ? i + 1 : i - 1, i % 2 == 0)
                : (i % half, i < half ? i + half : i - half, i < half);
            partner[i] = other;
            sign[i] = negated ? -1 : 1;
            var frequency = Scaled(1.0 / Math.Pow(theta, 2.0 * pair / headDim), scaling);
            for (var p = 0; p < maxPositions; p++) angles[p * headDim + i] = p * frequency;
        }
        using var angleTable = tensor(angles, maxPositions, headDim, ScalarType.Float64);
        using var signs = tensor(sign, ScalarType.Float64);
        _cos = angleTable.cos().to(ScalarType.Float32, device ?? CPU);
        using var sin = angleTable.sin().mul_(signs);
        _signedSin = sin.to(ScalarType.Float32, device ?? CPU);
        _partner = tensor(partner, device: device ?? CPU);
    }

    /// <summary>
    /// A frequency under Llama 3.1's scaling, as transformers' _compute_llama3_parameters: wavelengths longer than
    /// original/low_freq_factor are slowed by factor, shorter than original/high_freq_factor kept, and the band
    /// between blended by s = (original / wavelength - low) / (high - low): (1 - s) f / factor + s f.
    /// </summary>
    public static double Scaled(double frequency, Llama3RopeScaling? scaling)
    {
        if (scaling is null) return frequency;
        var wavelength = 2 * Math.PI / frequency;
        var lowFrequencyWavelength = scaling.OriginalMaxPositions / scaling.LowFreqFactor;
        var highFrequencyWavelength = scaling.OriginalMaxPositions / scaling.HighFreqFactor;
        if (wavelength > lowFrequencyWavelength) return frequency / scaling.Factor;
        if (wavelength < highFrequencyWavelength) return frequency;
        var smooth = (scaling.OriginalMaxPositions / wavelength - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
        return ((1 - smooth) * frequency / scaling.Factor) + (smooth * frequency);
    }

    public int HeadDim { get; }
    public int MaxPositions { get; }
    public RopeStyle Style { get; }

    /// <summary>Angles for per-row positions (rows of one batch may sit at different positions).</summary>
    /// <param name="positions">[B, T] int64, each below <see cref="MaxPositions"/>.</param>
    /// <param name="dtype">The activations' dtype.</param>
    /// <returns>cos and sin, each [B, T, 1, head_dim] in <paramref name="dtype"/>.</returns>
    public RotaryAngles At(Tensor positions, ScalarType dtype)
    {
        var shape = new[] { positions.size(0), positions.size(1), 1, HeadDim };
        using var flat = positions.reshape(-1);
        using var cos = _cos.index_select(0, flat);
        using var sin = _signedSin.index_select(0, flat);
        return new RotaryAngles(Cast(cos.view(shape), dtype), Cast(sin.view(shape), dtype));
    }

    /// <summary>Angles for positions 0..length-1 shared by every row (the no-cache training forward): slices, no lookup.</summary>
    /// <returns>cos and sin, each [1, length, 1, head_dim] in <paramref name="dtype"/>.</returns>
    public RotaryAngles Prefix(int length, ScalarType dtype)
    {
        if (length > MaxPositions) throw new ArgumentOutOfRangeException(nameof(length), $"sequence length {length} exceeds the model's {MaxPositions} positions.");
        var shape = new long[] { 1, length, 1, HeadDim };
        using var cos = _cos.narrow(0, 0, length);
        using var sin = _signedSin.narrow(0, 0, length);
        return new RotaryAngles(Cast(cos.view(shape), dtype), Cast(sin.view(shape), dtype));
    }

    /// <summary>Rotates queries or keys.</summary>
    /// <param name="x">[B, T, heads, head_dim].</param>
    /// <param name="angles">From <see cref="At"/> or <see cref="Prefix"/>.</param>
    /// <returns>[B, T, heads, head_dim].</returns>
    public Tensor Apply(Tensor x, RotaryAngles angles)
    {
        using var partners = x.index_select(-1, _partner);
        using var straight = x.mul(angles.Cos);
        return straight.addcmul(partners, angles.Sin, TorchScalars.One);
    }

    static Tensor Cast(Tensor table, ScalarType dtype)
    {
        if (table.dtype == dtype) return table;
        using (table) return table.to_type(dtype);
    }

    public void Dispose()
    {
        _cos.Dispose();
        _signedSin.Dispose();
        _partner.Dispose();
    }
}
