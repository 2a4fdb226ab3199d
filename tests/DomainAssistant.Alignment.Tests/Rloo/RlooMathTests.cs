using DomainAssistant.Alignment.Rloo;
using static TorchSharp.torch;

namespace DomainAssistant.Alignment.Tests.Rloo;

/// <summary>RLOO's advantages, the clipped objective and the citation rule against values worked out by hand.</summary>
public sealed class RlooMathTests
{
    static Tensor Floats(params float[] values) => tensor(values);

    [Fact]
    public void Each_answer_is_baselined_by_the_mean_of_the_others()
    {
        var advantages = RlooAdvantages.Compute([[1, 2, 3, 6], [5, 5]]);

        // 1 − (2+3+6)/3 = −2.6667; 2 − (1+3+6)/3 = −1.3333; 3 − (1+2+6)/3 = 0; 6 − (1+2+3)/3 = 4. Equal rewards: 0.
        Assert.Equal([-8.0 / 3, -4.0 / 3, 0, 4], advantages[0], (expected, actual) => Math.Abs(expected - actual) < 1e-9);
        Assert.Equal([0.0, 0.0], advantages[1]);
        Assert.Throws<ArgumentException>(() => RlooAdvantages.Compute([[1.0]]));
    }

    [Fact]
    public void The_ratio_is_clipped_only_where_it_would_move_further_in_the_advantages_direction()
    {
        // ρ = 1.5, 0.5, 1.1 (log-ratios against old log-probs of 0); A = 1, −1, 1; ε = 0.2.
        // 1: max(−1.5, −1.2) = −1.2 (clipped). 2: max(0.5, 0.8) = 0.8 (clipped). 3: max(−1.1, −1.1) = −1.1.
        using var logps = Floats(MathF.Log(1.5f), MathF.Log(0.5f), MathF.Log(1.1f)).requires_grad_();
        using var old = Floats(0f, 0f, 0f);
        using var advantages = Floats(1f, -1f, 1f);

        var (loss, clippedShare) = ClippedObjective.Compute(logps, old, advantages, 0.2);
        using (loss)
        {
            loss.backward();
            Assert.Equal((-1.2 + 0.8 - 1.1) / 3, loss.item<float>(), 5);
        }
        Assert.Equal(2.0 / 3, clippedShare, 5);
        var gradient = logps.grad!.data<float>().ToArray();
        // Clipped answers get no gradient; the third gets d(−A ρ)/d log ρ / 3 = −1.1 / 3.
        Assert.Equal([0.0, 0.0, Math.Round(-1.1 / 3, 5)], gradient.Select(g => Math.Round((double)g, 5)));
    }

    [Fact]
    public void The_citation_rule_penalises_markers_that_name_no_chunk()
    {
        var rule = new CitationRule(Penalty: 0.5);

        Assert.Equal(0, rule.Score("Ready [1], see also [2].", chunks: 2));
        Assert.Equal(-1.0, rule.Score("Ready [3] and [0].", chunks: 2));
        Assert.Equal(-0.5, rule.Score("Ready [1].", chunks: 0));
        Assert.Equal(0, new CitationRule(0).Score("[9]", 1));
    }
}
