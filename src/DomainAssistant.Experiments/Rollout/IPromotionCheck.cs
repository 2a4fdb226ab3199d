namespace DomainAssistant.Experiments.Rollout;

/// <summary>
/// Whether an adapter may be served to everyone: the host knows its registry and gate verdicts, the experiments do
/// not. The unattended rollout asks it before promoting, as an operator's promotion does.
/// </summary>
public interface IPromotionCheck
{
    /// <param name="adapterId">The treatment's registry id.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>Null when it may; otherwise why not, in words.</returns>
    Task<string?> WhyNotPromotableAsync(string adapterId, CancellationToken cancellationToken);
}
