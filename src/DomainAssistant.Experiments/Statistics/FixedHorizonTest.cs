namespace DomainAssistant.Experiments.Statistics;

/// <summary>
/// The classical pooled two-proportion z-test: z = (p₁ - p₂) / √(p̄(1-p̄)(1/n₁ + 1/n₂)), two-sided p = 2(1 - Φ(|z|)).
/// Valid only when read once, at a sample size fixed in advance; read at every look it rejects true nulls far more
/// often than α (Armitage, McPherson and Rowe 1969, "Repeated significance tests on accumulating data", JRSS A 132).
/// Kept for the comparison in the experiments bench and for analyses planned with a fixed horizon.
/// </summary>
public static class FixedHorizonTest
{
    public static double PValue(Proportion control, Proportion treatment)
    {
        if (control.Trials == 0 || treatment.Trials == 0) return 1;
        double pooled = (double)(control.Events + treatment.Events) / (control.Trials + treatment.Trials);
        double se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / control.Trials + 1.0 / treatment.Trials));
        if (se == 0) return 1;
        double z = (treatment.Rate - control.Rate) / se;
        return Math.Min(1, 2 * StandardNormal.UpperTail(Math.Abs(z)));
    }
}
