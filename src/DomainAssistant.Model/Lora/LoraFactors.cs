using DomainAssistant.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Lora;

/// <summary>
/// One adapter's low-rank update of one linear layer: delta(x) = scaling * lora_B(lora_A(dropout(x))),
/// with lora_A [r, in] and lora_B [out, r] (PEFT's layout and names).
/// </summary>
public sealed class LoraFactors : IDisposable
{
    public LoraFactors(Parameter a, Parameter b, double scaling, double dropout)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[0] != b.shape[1])
            throw new ArgumentException($"lora_A {Shape(a)} and lora_B {Shape(b)} do not form a low-rank pair ([r, in] and [out, r]).");
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), $"lora_dropout must be in [0, 1), got {dropout}.");
        A = a;
        B = b;
        Scaling = scaling;
        ScalingScalar = scaling.ToScalar();
        Dropout = dropout;
    }

    /// <summary>lora_A.weight [r, in]: initialised Kaiming-uniform.</summary>
    public Parameter A { get; private set; }

    /// <summary>lora_B.weight [out, r]: initialised to zeros, so a fresh adapter leaves the base unchanged.</summary>
    public Parameter B { get; private set; }

    public double Scaling { get; }

    /// <summary><see cref="Scaling"/> as a Scalar these factors own (see <see cref="TorchScalars"/> for why it is kept).</summary>
    public Scalar ScalingScalar { get; }
    public double Dropout { get; }
    public long Rank => A.shape[0];

    /// <summary>
    /// Whether the factors are fixed: true until their parameters are handed out (<see cref="LoraAdapters.Parameters"/>,
    /// which is how optimizers and writers reach them). Only fixed factors may be copied into the layer's serving copy
    /// for decoding (<see cref="Kernels.LowRankFactors"/>), since a copy would miss an update made in place.
    /// </summary>
    public bool Frozen { get; private set; } = true;

    /// <summary>Marks the factors as changeable from now on (see <see cref="Frozen"/>).</summary>
    internal void Unfreeze() => Frozen = false;

    /// <summary>Creates factors initialised as PEFT does: A ~ Kaiming-uniform(a = sqrt 5), i.e. U(-1/sqrt(in), 1/sqrt(in)); B = 0.</summary>
    public static LoraFactors Initialise(long inFeatures, long outFeatures, int rank, double scaling, double dropout,
        Generator generator, ScalarType dtype, Device device)
    {
        var bound = 1.0 / Math.Sqrt(inFeatures);
        using var uniform = rand(rank, inFeatures, ScalarType.Float32, generator: generator);
        using var width = (2 * bound).ToScalar();
        using var low = bound.ToScalar();
        using var a = uniform.mul_(width).sub_(low).to(dtype, device);
        using var b = zeros(outFeatures, rank, dtype, device);
        return new LoraFactors(new Parameter(a.detach().clone()), new Parameter(b.detach().clone()), scaling, dropout);
    }

    /// <summary>The unscaled update.</summary>
    /// <param name="x">[..., in].</param>
    /// <param name="training">Dropout applies only while training.</param>
    /// <returns>[..., out]; the caller multiplies by <see cref="Scaling"/> while adding it to the base output.</returns>
    public Tensor Delta(Tensor x, bool training)
    {
        using var scope = NewDisposeScope();
        var input = training && Dropout > 0 ? nn.functional.dropout(x, Dropout, training: true) : x;
        return SmallBatchLinear.LowRank(SmallBatchLinear.LowRank(input, A), B).MoveToOuterDisposeScope();
    }

    /// <summary>Moves or casts both factors, keeping whether they train.</summary>
    public void MoveTo(ScalarType? dtype, Device? device)
    {
        A = Moved(A, dtype, device);
        B = Moved(B, dtype, device);
    }

    static Parameter Moved(Parameter p, ScalarType? dtype, Device? device)
    {
        var targetType = dtype ?? p.dtype;
        var targetDevice = device ?? p.device;
        if (targetType == p.dtype && targetDevice.type == p.device.type && targetDevice.index == p.device.index) return p;
        using var moved = p.detach().to(targetType, targetDevice);
        var replacement = new Parameter(moved.clone(), p.requires_grad);
        p.Dispose();
        return replacement;
    }

    static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        ScalingScalar.Dispose();
    }
}
