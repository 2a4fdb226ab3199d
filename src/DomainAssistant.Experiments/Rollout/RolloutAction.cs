namespace DomainAssistant.Experiments.Rollout;

/// <summary>What the unattended rollout does to a running experiment at one look.</summary>
public enum RolloutAction
{
    /// <summary>Nothing yet: keep collecting (or leave the experiment to the guardrail watch or an operator).</summary>
    Hold,

    /// <summary>Move the treatment to the next step of its ramp.</summary>
    Ramp,

    /// <summary>Serve the treatment to everyone, for good.</summary>
    Promote,

    /// <summary>Serve the control to everyone, for good.</summary>
    RollBack,
}

/// <summary>The action and why, in words an audit entry and a log line carry.</summary>
public sealed record RolloutStep(RolloutAction Action, string Reason);
