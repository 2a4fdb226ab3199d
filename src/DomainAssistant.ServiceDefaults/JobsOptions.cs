namespace DomainAssistant.ServiceDefaults;

/// <summary>
/// Where bus consumers and long jobs run (section <c>Jobs</c>): inside the API process (the embedded default, one
/// process) or in worker hosts (scale-out; the bus must then be RabbitMQ, which reaches other processes).
/// </summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>True (default): the API process runs the worker's handlers itself. False: worker hosts run them.</summary>
    public bool RunInProcess { get; set; } = true;
}
