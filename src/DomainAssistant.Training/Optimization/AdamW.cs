using DomainAssistant.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Optimization;

/// <summary>AdamW's settings (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", 2019).</summary>
/// <param name="Beta1">Decay of the first-moment average (default 0.9).</param>
/// <param name="Beta2">Decay of the second-moment average (default 0.95, as GPT-style pretraining uses).</param>
/// <param name="Epsilon">Added to the denominator (default 1e-8).</param>
/// <param name="WeightDecay">Decoupled decay applied to weight matrices, never to norms (default 0.1).</param>
public sealed record AdamWOptions(double Beta1 = 0.9, double Beta2 = 0.95, double Epsilon = 1e-8, double WeightDecay = 0.1);

/// <summary>
/// AdamW over float32 weights, written out rather than taken from TorchSharp so that its whole state (both moment
/// averages and the step count) can be saved by name and restored bit for bit, which exact resume needs.
/// </summary>
/// <remarks>
/// Per weight w with gradient g at step t (Algorithm 2 of the paper, with the learning rate multiplying the decay as
/// PyTorch does): w ← w(1 − lr·λ); m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²;
/// w ← w − lr · (m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + ε).
/// </remarks>
public sealed class AdamW : IDisposable
{
    const string FirstMoment = "adamw.exp_avg.";
    const string SecondMoment = "adamw.exp_avg_sq.";

    readonly IReadOnlyList<TrainableWeight> _weights;
    readonly Tensor[] _m;
    readonly Tensor[] _v;

    public AdamW(IReadOnlyList<TrainableWeight> weights, AdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _weights = weights;
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _m = weights.Select(w => zeros_like(w.Master)).ToArray();
        _v = weights.Select(w => zeros_like(w.Master)).ToArray();
    }

    public AdamWOptions Options { get; }

    /// <summary>Steps taken (t in the update).</summary>
    public long StepCount { get; private set; }

    /// <summary>Updates every weight from its gradient (same order as the weights) at <paramref name="learningRate"/>.</summary>
    public void Step(IReadOnlyList<Tensor> gradients, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Count != _weights.Count) throw new ArgumentException($"{gradients.Count} gradients for {_weights.Count} weights.", nameof(gradients));
        using var noGrad = no_grad();
        StepCount++;
        var (b1, b2) = (Options.Beta1, Options.Beta2);
        // Explicit, owned Scalars: TorchSharp may free an implicit one mid-call (see TorchScalars).
        using var decay = (1 - learningRate * Options.WeightDecay).ToScalar();
        using var beta1 = b1.ToScalar();
        using var newShare1 = (1 - b1).ToScalar();
        using var beta2 = b2.ToScalar();
        using var newShare2 = (1 - b2).ToScalar();
        using var secondCorrectionRoot = Math.Sqrt(1 - Math.Pow(b2, StepCount)).ToScalar();
        using var epsilon = Options.Epsilon.ToScalar();
        using var stepSize = (-learningRate / (1 - Math.Pow(b1, StepCount))).ToScalar();
        for (var i = 0; i < _weights.Count; i++)
        {
            var (w, g) = (_weights[i].Master, gradients[i]);
            if (_weights[i].Decays && Options.WeightDecay > 0) w.mul_(decay);
            _m[i].mul_(beta1).add_(g, alpha: newShare1);
            _v[i].mul_(beta2).addcmul_(g, g, value: newShare2);
            using var denominator = _v[i].sqrt();
            denominator.div_(secondCorrectionRoot).add_(epsilon, TorchScalars.One);
            w.addcdiv_(_m[i], denominator, value: stepSize);
        }
    }

    /// <summary>The moment averages by weight name (views of the live state: save them before the next step).</summary>
    public Dictionary<string, Tensor> State()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; i < _weights.Count; i++)
        {
            state[FirstMoment + _weights[i].Name] = _m[i];
            state[SecondMoment + _weights[i].Name] = _v[i];
        }
        return state;
    }

    /// <summary>Restores the moments and step count saved by <see cref="State"/>; every weight's pair must be there with its shape.</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> state, long stepCount, string source)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var noGrad = no_grad();
        for (var i = 0; i < _weights.Count; i++)
        {
            Copy(state, FirstMoment + _weights[i].Name, _m[i], source);
            Copy(state, SecondMoment + _weights[i].Name, _v[i], source);
        }
        StepCount = stepCount;
    }

    static void Copy(IReadOnlyDictionary<string, Tensor> state, string key, Tensor into, string source)
    {
        if (!state.TryGetValue(key, out var saved)) throw new InvalidDataException($"{source}: optimizer state lacks '{key}'.");
        if (!saved.shape.SequenceEqual(into.shape))
            throw new InvalidDataException($"{source}: '{key}' has shape [{string.Join(", ", saved.shape)}], expected [{string.Join(", ", into.shape)}].");
        into.copy_(saved);
    }

    public void Dispose()
    {
        foreach (var tensor in _m.Concat(_v)) tensor.Dispose();
    }
}
