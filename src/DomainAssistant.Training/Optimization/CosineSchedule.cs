namespace DomainAssistant.Training.Optimization;

/// <summary>
/// Linear warmup to the peak learning rate, then a half cosine down to <see cref="MinRatio"/> of it at the last step
/// (the schedule of GPT-3 and Chinchilla; nanoGPT's get_lr). Steps past the end keep the minimum.
/// </summary>
/// <param name="Peak">Learning rate at the end of warmup.</param>
/// <param name="WarmupSteps">Steps of linear warmup (0 for none).</param>
/// <param name="TotalSteps">Steps the whole schedule spans, warmup included.</param>
/// <param name="MinRatio">Final learning rate as a share of the peak (default 0.1).</param>
public sealed record CosineSchedule(double Peak, long WarmupSteps, long TotalSteps, double MinRatio = 0.1)
{
    /// <summary>The learning rate for the step with 0-based index <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        var decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var minimum = Peak * MinRatio;
        return minimum + 0.5 * (1 + Math.Cos(Math.PI * progress)) * (Peak - minimum);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the value that makes no schedule.</summary>
    public void Validate()
    {
        if (!(Peak > 0) || !double.IsFinite(Peak)) throw new ArgumentException($"learning rate must be positive, got {Peak}.");
        if (WarmupSteps < 0) throw new ArgumentException($"warmup steps must not be negative, got {WarmupSteps}.");
        if (TotalSteps <= 0) throw new ArgumentException($"total steps must be positive, got {TotalSteps}.");
        if (MinRatio is < 0 or > 1) throw new ArgumentException($"minimum learning-rate ratio must be in [0, 1], got {MinRatio}.");
    }
}
