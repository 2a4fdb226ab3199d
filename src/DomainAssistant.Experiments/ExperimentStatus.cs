namespace DomainAssistant.Experiments;

/// <summary>Where an experiment is in its life. Rolled back and promoted are final.</summary>
public enum ExperimentStatus
{
    /// <summary>Users are split between control and treatment by the allocation.</summary>
    Running,

    /// <summary>Everyone gets the control; nothing is recorded; resuming starts a new allocation period.</summary>
    Paused,

    /// <summary>Everyone gets the control, for good (by an operator or a breached guardrail).</summary>
    RolledBack,

    /// <summary>Everyone gets the treatment, for good.</summary>
    Promoted,
}

/// <summary>The names statuses have in the store and the API: running, paused, rolled_back, promoted.</summary>
public static class ExperimentStatusNames
{
    public static string Name(this ExperimentStatus status) => status switch
    {
        ExperimentStatus.Running => "running",
        ExperimentStatus.Paused => "paused",
        ExperimentStatus.RolledBack => "rolled_back",
        ExperimentStatus.Promoted => "promoted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static ExperimentStatus Parse(string name) => name switch
    {
        "running" => ExperimentStatus.Running,
        "paused" => ExperimentStatus.Paused,
        "rolled_back" => ExperimentStatus.RolledBack,
        "promoted" => ExperimentStatus.Promoted,
        _ => throw new FormatException($"Unknown experiment status '{name}'."),
    };

    /// <summary>Running and paused experiments still decide; the others are over.</summary>
    public static bool IsLive(this ExperimentStatus status) => status is ExperimentStatus.Running or ExperimentStatus.Paused;
}
