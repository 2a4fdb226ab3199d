using DomainAssistant.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Optimization;

/// <summary>
/// The weights one training job updates, and their gradients in float32 whatever the model's dtype: accumulated
/// over micro-batches, clipped by global norm, and published back to the model after each optimizer step.
/// </summary>
/// <remarks>
/// With bfloat16 weights every micro-batch's gradient is added into a float32 buffer and the parameter's own
/// gradient cleared, so accumulation does not happen in bfloat16 either. TorchSharp 0.107 has no autocast, so this
/// is how bfloat16 compute is made safe here: bfloat16 forward and backward, float32 optimizer.
/// </remarks>
public sealed class TrainableWeights : IDisposable
{
    readonly Tensor?[] _accumulated;

    TrainableWeights(IReadOnlyList<TrainableWeight> weights)
    {
        Weights = weights;
        _accumulated = new Tensor?[weights.Count];
    }

    public IReadOnlyList<TrainableWeight> Weights { get; }

    /// <summary>Wraps the parameters that will train; each gets requires_grad and, when not float32, a float32 master copy.</summary>
    /// <param name="parameters">Named parameters, in a fixed order.</param>
    /// <param name="decays">Which of them weight decay applies to.</param>
    public static TrainableWeights Create(IEnumerable<(string Name, Parameter Parameter)> parameters, Func<string, Parameter, bool> decays)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(decays);
        using var noGrad = no_grad();
        var weights = new List<TrainableWeight>();
        foreach (var (name, parameter) in parameters)
        {
            parameter.requires_grad = true;
            var master = parameter.dtype == ScalarType.Float32 ? parameter : parameter.detach().to_type(ScalarType.Float32);
            weights.Add(new TrainableWeight(name, parameter, master, decays(name, parameter)));
        }
        if (weights.Count == 0) throw new ArgumentException("nothing to train: no parameters given.", nameof(parameters));
        return new TrainableWeights(weights);
    }

    /// <summary>Call after each micro-batch's backward: moves low-precision gradients into float32 buffers.</summary>
    public void AccumulateGradients()
    {
        using var noGrad = no_grad();
        for (var i = 0; i < Weights.Count; i++)
        {
            var weight = Weights[i];
            if (!weight.HasSeparateMaster || weight.Parameter.grad is not { } grad) continue;
            using var handle = grad; // the wrapper, not the gradient: autograd keeps its own reference
            if (_accumulated[i] is { } sum) sum.add_(grad, TorchScalars.One);
            else _accumulated[i] = grad.to_type(ScalarType.Float32);
            grad.zero_();
        }
    }

    /// <summary>The float32 gradient of every weight (zeros where no gradient flowed), in weight order.</summary>
    public Tensor[] Gradients()
    {
        var gradients = new Tensor[Weights.Count];
        for (var i = 0; i < Weights.Count; i++)
        {
            var weight = Weights[i];
            var gradient = weight.HasSeparateMaster ? _accumulated[i] : weight.Parameter.grad;
            gradients[i] = gradient ?? (_accumulated[i] = zeros_like(weight.Master));
        }
        return gradients;
    }

    /// <summary>
    /// Scales the gradients so their global L2 norm is at most <paramref name="maxNorm"/> (no clipping when it is 0).
    /// Returns the norm before clipping, which is NaN or infinite when a gradient is: the caller's divergence check.
    /// </summary>
    public static double ClipGradients(IReadOnlyList<Tensor> gradients, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var squares = stack(gradients.Select(g => g.mul(g).sum()).ToArray());
        var norm = Math.Sqrt(squares.sum().item<float>());
        if (maxNorm > 0 && double.IsFinite(norm) && norm > maxNorm)
        {
            using var factor = (maxNorm / (norm + 1e-6)).ToScalar(); // owned: see TorchScalars
            foreach (var gradient in gradients) gradient.mul_(factor);
        }
        return norm;
    }

    /// <summary>After an optimizer step: copies float32 masters into the model's low-precision parameters.</summary>
    public void Publish()
    {
        using var noGrad = no_grad();
        foreach (var weight in Weights.Where(w => w.HasSeparateMaster)) weight.Parameter.copy_(weight.Master);
    }

    /// <summary>Clears every gradient for the next optimizer step.</summary>
    public void ZeroGradients()
    {
        using var noGrad = no_grad();
        foreach (var weight in Weights) weight.Parameter.grad?.zero_();
        foreach (var sum in _accumulated) sum?.zero_();
    }

    public void Dispose()
    {
        foreach (var weight in Weights.Where(w => w.HasSeparateMaster)) weight.Master.Dispose();
        foreach (var sum in _accumulated) sum?.Dispose();
    }
}
