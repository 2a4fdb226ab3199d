namespace DomainAssistant.Alignment.Rloo;

/// <summary>
/// REINFORCE leave-one-out advantages (Kool et al. 2019; Ahmadian et al. 2024, "Back to Basics", eq. 4): each of the
/// k answers to a prompt is baselined by the mean reward of the other k − 1, A_i = r_i − (1/(k−1)) Σ_{j≠i} r_j, which
/// equals k/(k−1) · (r_i − mean r): no value network, and the baseline never includes the answer itself.
/// </summary>
public static class RlooAdvantages
{
    /// <param name="rewards">Rewards grouped by prompt, k ≥ 2 answers each.</param>
    /// <returns>Advantages in the same layout.</returns>
    public static double[][] Compute(IReadOnlyList<IReadOnlyList<double>> rewards)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        return [.. rewards.Select(group =>
        {
            if (group.Count < 2) throw new ArgumentException($"leave-one-out needs at least 2 answers per prompt, got {group.Count}.", nameof(rewards));
            var sum = group.Sum();
            return group.Select(r => r - (sum - r) / (group.Count - 1)).ToArray();
        })];
    }
}
