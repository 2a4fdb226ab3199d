using System.Numerics.Tensors;

namespace DomainAssistant.Model.Generation;

/// <summary>
/// Picks the next token from one row of logits. Runs on managed memory: a vocabulary row is small next to the
/// forward pass, and plain loops avoid a dozen tiny native tensor ops per token.
/// </summary>
public sealed class TokenSampler
{
    readonly SamplingOptions _options;
    readonly Random _random;
    readonly HashSet<int> _seen = [];
    readonly PromptCopyBias? _copy;
    float[] _scratch = [];
    int[] _order = [];

    public TokenSampler(SamplingOptions options, IEnumerable<int> context)
    {
        options.Validate();
        _options = options;
        _random = options.Seed is int seed ? new Random(seed) : new Random();
        var prompt = context as IReadOnlyCollection<int> ?? [.. context];
        if (options.RepetitionPenalty != 1f) _seen.UnionWith(prompt);
        if (options.CopyBias > 0) _copy = new PromptCopyBias(prompt, options.CopyBias);
    }

    /// <summary>Chooses a token id from <paramref name="logits"/> ([vocab]) and remembers it for the repetition penalty.</summary>
    public int Next(ReadOnlySpan<float> logits)
    {
        // Greedy without a penalty or copy bias reads the logits as they are: no copy of a 32,000-float row per token.
        if (_options.Temperature == 0 && _options.RepetitionPenalty == 1f && _copy is null) return ArgMax(logits);
        if (_scratch.Length != logits.Length) { _scratch = new float[logits.Length]; _order = new int[logits.Length]; }
        var scores = _scratch.AsSpan();
        logits.CopyTo(scores);
        ApplyRepetitionPenalty(scores);
        _copy?.Apply(scores);
        int token = _options.Temperature == 0 ? ArgMax(scores) : Sample(scores);
        if (_options.RepetitionPenalty != 1f) _seen.Add(token);
        _copy?.Accept(token);
        return token;
    }

    /// <summary>The index of the largest score, the first one on a tie (SIMD: a vocabulary row is tens of thousands of floats).</summary>
    public static int ArgMax(ReadOnlySpan<float> scores) => TensorPrimitives.IndexOfMax(scores);

    void ApplyRepetitionPenalty(Span<float> scores)
    {
        float penalty = _options.RepetitionPenalty;
        if (penalty == 1f) return;
        foreach (int id in _seen)
            if ((uint)id < (uint)scores.Length) scores[id] = scores[id] > 0 ? scores[id] / penalty : scores[id] * penalty;
    }

    int Sample(Span<float> scores)
    {
        bool truncates = _options.TopK > 0 || _options.TopP < 1f;
        var order = _order.AsSpan(0, scores.Length);
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (truncates)
        {
            // Candidates by descending score: top-k cuts the list, top-p cuts it again after the softmax.
            scores.Sort(order, static (a, b) => b.CompareTo(a));
        }
        int count = _options.TopK > 0 ? Math.Min(_options.TopK, scores.Length) : scores.Length;

        float max = float.NegativeInfinity;
        for (int i = 0; i < count; i++) max = Math.Max(max, scores[i]);
        double total = 0;
        for (int i = 0; i < count; i++) total += scores[i] = (float)Math.Exp((scores[i] - max) / _options.Temperature);

        int kept = count;
        if (_options.TopP < 1f)
        {
            double cumulative = 0;
            for (int i = 0; i < count; i++)
            {
                cumulative += scores[i] / total;
                if (cumulative >= _options.TopP) { kept = i + 1; break; }
            }
        }

        double keptMass = 0;
        for (int i = 0; i < kept; i++) keptMass += scores[i];
        double draw = _random.NextDouble() * keptMass;
        for (int i = 0; i < kept; i++)
        {
            draw -= scores[i];
            if (draw < 0) return order[i];
        }
        return order[kept - 1];
    }
}
