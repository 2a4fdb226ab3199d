using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Modeling;

/// <summary>
/// Root-mean-square layer norm, y = weight * x / sqrt(mean(x^2) + eps), computed in float32 whatever the
/// model's dtype (as Hugging Face's LlamaRMSNorm does) so bf16 activations do not lose the statistic.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly Scalar _eps; // owned, not implicit: see TorchScalars
    readonly Parameter weight;

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        _eps = eps.ToScalar();
        weight = new Parameter(ones(size));
        RegisterComponents();
    }

    /// <param name="input">[..., size] in the model's dtype.</param>
    /// <returns>[..., size] in the model's dtype.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var inputType = input.dtype;
        var x = inputType == ScalarType.Float32 ? input : input.to_type(ScalarType.Float32);
        var inverseRms = x.mul(x).mean([-1], keepdim: true).add_(_eps, TorchScalars.One).rsqrt_();
        var normed = x.mul(inverseRms);
        if (inputType != ScalarType.Float32) normed = normed.to_type(inputType);
        return normed.mul(weight).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _eps.Dispose();
        base.Dispose(disposing);
    }
}
