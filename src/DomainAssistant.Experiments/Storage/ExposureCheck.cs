namespace DomainAssistant.Experiments.Storage;

/// <summary>What every store refuses before writing an exposure.</summary>
static class ExposureCheck
{
    /// <exception cref="ArgumentException">No message or user id, or a variant other than control and treatment.</exception>
    public static void Check(Exposure exposure)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        ArgumentException.ThrowIfNullOrWhiteSpace(exposure.MessageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(exposure.UserId);
        if (!ExperimentVariants.Both.Contains(exposure.Variant)) throw new ArgumentException($"Unknown variant '{exposure.Variant}'.");
    }
}
