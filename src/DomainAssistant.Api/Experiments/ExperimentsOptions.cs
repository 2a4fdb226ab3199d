using DomainAssistant.Api.Configuration;

namespace DomainAssistant.Api.Experiments;

/// <summary>How the host runs experiments (section <c>Experiments</c>); the file is <c>{Storage:DataDirectory}/experiments.db</c>.</summary>
public sealed class ExperimentsOptions : ISelfValidating
{
    public const string Section = "Experiments";

    /// <summary>Between guardrail evaluations (each may roll a treatment back). Default 30 seconds.</summary>
    public TimeSpan GuardrailInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest a process serves a flag after a change to its experiment. Default 2 seconds.</summary>
    public TimeSpan FlagRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The unattended rollout after alignment runs and by each experiment's own rule (section <c>Experiments:Rollout</c>).</summary>
    public RolloutOptions Rollout { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (GuardrailInterval < TimeSpan.FromMilliseconds(100)) yield return $"Experiments:GuardrailInterval must be at least 00:00:00.1 (got {GuardrailInterval})";
        if (FlagRefresh < TimeSpan.Zero) yield return $"Experiments:FlagRefresh must not be negative (got {FlagRefresh})";
        foreach (var problem in Rollout.Problems()) yield return problem;
    }
}
