namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// The mixture sequential probability ratio test (mSPRT) with a normal mixture, after Johari, Koomen, Pekelis and
/// Walsh (2017), "Peeking at A/B tests: why it matters, and what to do about it" (KDD '17; arXiv:1512.04922). It may
/// be read after every rating: the chance that it ever rejects a true null, over unlimited looks, is at most α.
/// </summary>
/// <remarks>
/// <para>For an estimate Δ of θ whose sampling distribution is N(θ, v), mixing the likelihood ratio against
/// θ₀ over θ ~ N(θ₀, τ²) gives, in closed form (their §4, with v = V/n),</para>
/// <para>Λ = √(v / (v + τ²)) · exp( τ² (Δ - θ₀)² / (2 v (v + τ²)) ).</para>
/// <para>Λ is a nonnegative martingale under the null with mean 1, so Ville's inequality bounds the chance that it
/// ever reaches 1/α by α. Hence the always-valid p-value min(1, 1/Λ) and the confidence sequence
/// {θ₀ : Λ(θ₀) &lt; 1/α}, which has the closed form Δ ± √( 2v(v + τ²)/τ² · (ln(1/α) + ½ ln((v + τ²)/v)) ).
/// Both hold at every look at once; <see cref="SequentialEvidence"/> keeps their running minimum and intersection.</para>
/// <para>τ is the spread of effects the test expects: the test is quickest for |θ - θ₀| near τ and still valid
/// (only slower) elsewhere (their §4.2).</para>
/// </remarks>
public sealed class MixtureSequentialTest
{
    /// <param name="mixtureStandardDeviation">τ, in the units of the estimate (0.1 = ten points of a rate).</param>
    /// <param name="alpha">The bound on ever rejecting a true null, over all looks.</param>
    public MixtureSequentialTest(double mixtureStandardDeviation = 0.1, double alpha = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mixtureStandardDeviation);
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Between 0 and 1.");
        MixtureStandardDeviation = mixtureStandardDeviation;
        Alpha = alpha;
    }

    public double MixtureStandardDeviation { get; }

    public double Alpha { get; }

    /// <summary>ln Λ for the estimate Δ with sampling variance v, against θ₀.</summary>
    public double LogLikelihoodRatio(double estimate, double variance, double nullValue = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(variance);
        double t2 = MixtureStandardDeviation * MixtureStandardDeviation, shift = estimate - nullValue;
        return 0.5 * Math.Log(variance / (variance + t2)) + t2 * shift * shift / (2 * variance * (variance + t2));
    }

    /// <summary>The always-valid p-value against θ₀ and the confidence sequence's interval at this look.</summary>
    public SequentialLook Look(double estimate, double variance, double nullValue = 0)
    {
        double t2 = MixtureStandardDeviation * MixtureStandardDeviation;
        double pValue = Math.Min(1, Math.Exp(-LogLikelihoodRatio(estimate, variance, nullValue)));
        double half = Math.Sqrt(2 * variance * (variance + t2) / t2 * (Math.Log(1 / Alpha) + 0.5 * Math.Log((variance + t2) / variance)));
        return new SequentialLook(estimate, pValue, new ConfidenceInterval(estimate - half, estimate + half));
    }

    /// <summary>
    /// Treatment rate minus control rate. The variance is the two-sample normal approximation
    /// p₁(1-p₁)/n₁ + p₂(1-p₂)/n₂ (Johari et al.'s treatment of binary data), taken at the smoothed rates so that it is
    /// never zero; arms may be of any sizes. Without data in both arms the look says nothing: p = 1, interval [-1, 1].
    /// </summary>
    public SequentialLook LookAtDifference(Proportion control, Proportion treatment, double nullValue = 0)
    {
        if (control.Trials == 0 || treatment.Trials == 0) return SequentialLook.NoEvidence(treatment.Rate - control.Rate, -1, 1);
        double variance = Variance(treatment) + Variance(control);
        return Look(treatment.Rate - control.Rate, variance, nullValue);
    }

    /// <summary>
    /// Treatment rate minus control rate with users as the independent units: each arm's variance is the
    /// delta-method variance over users (<see cref="UserCounts.Variance"/>), but never below the variance the same
    /// trials would have if independent (at the smoothed rate): that floor keeps it above zero on few users and
    /// takes no credit from users whose messages are unlike each other.
    /// </summary>
    public SequentialLook LookAtDifference(UserCounts control, UserCounts treatment, double nullValue = 0)
    {
        if (control.Trials == 0 || treatment.Trials == 0)
            return SequentialLook.NoEvidence(treatment.Pooled.Rate - control.Pooled.Rate, -1, 1);
        return Look(treatment.Pooled.Rate - control.Pooled.Rate, Variance(treatment) + Variance(control), nullValue);
    }

    /// <summary>One rate against a fixed value θ₀ (a share over a latency budget), users as the units as above.</summary>
    public SequentialLook LookAtRate(UserCounts counts, double nullValue)
    {
        if (counts.Trials == 0) return SequentialLook.NoEvidence(0, 0, 1);
        return Look(counts.Pooled.Rate, Variance(counts), nullValue);
    }

    static double Variance(Proportion p) => p.SmoothedRate * (1 - p.SmoothedRate) / p.Trials;

    static double Variance(UserCounts counts) => Math.Max(counts.Variance, Variance(counts.Pooled));
}
