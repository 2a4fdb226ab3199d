namespace DomainAssistant.Experiments.Tests.Support;

/// <summary>A clock the test moves by hand (a fake: real time would make cache expiry tests slow and flaky).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset _now = start;

    public ManualClock() : this(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
