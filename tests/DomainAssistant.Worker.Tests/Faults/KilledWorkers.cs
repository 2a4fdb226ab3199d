namespace DomainAssistant.Worker.Tests.Faults;

/// <summary>
/// The tests that kill worker processes run one after the other: each starts a broker node and worker processes of
/// its own, and a kill meant to land mid-work must not wait on a CPU the other test holds.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KilledWorkers
{
    public const string Name = "worker processes killed";
}
