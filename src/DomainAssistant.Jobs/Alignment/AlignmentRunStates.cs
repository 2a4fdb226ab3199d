namespace DomainAssistant.Jobs.Alignment;

/// <summary>The states an alignment run passes through: queued, running, then succeeded or failed.</summary>
public static class AlignmentRunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
