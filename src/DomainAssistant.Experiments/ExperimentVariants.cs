namespace DomainAssistant.Experiments;

/// <summary>The two arms of every experiment, by the names its flag's variants carry.</summary>
public static class ExperimentVariants
{
    public const string Control = "control";
    public const string Treatment = "treatment";

    public static IReadOnlyList<string> Both { get; } = [Control, Treatment];
}
