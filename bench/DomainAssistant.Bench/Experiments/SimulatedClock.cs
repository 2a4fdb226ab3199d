namespace DomainAssistant.Bench.Experiments;

/// <summary>Time that the rollback simulation moves by hand: one evaluation interval per round, no waiting.</summary>
sealed class SimulatedClock : TimeProvider
{
    DateTimeOffset _now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
