using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DomainAssistant.Experiments;

/// <summary>
/// A user's place on the 0-100 percentile line of an experiment: a hash of the experiment's seed and the user id,
/// so the same user lands in the same place in every process and after every restart, and different experiments
/// (different seeds) split users independently.
/// </summary>
/// <remarks>
/// It is the computation Microsoft.FeatureManagement's percentile allocation makes (TargetingEvaluator in
/// microsoft/FeatureManagement-Dotnet): SHA-256 of "{userId}\n{seed}", the first four bytes read little-endian as an
/// unsigned integer, scaled by 100 / uint.MaxValue. Doing the same here lets the store, reports and the bench know a
/// user's variant without a FeatureManager; a test checks the two agree user for user.
/// </remarks>
public static class StickyAssignment
{
    public static double Percentile(string seed, string userId)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(userId);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{seed}"), hash);
        return BinaryPrimitives.ReadUInt32LittleEndian(hash) / (double)uint.MaxValue * 100;
    }

    /// <summary>The variant this user gets while the experiment runs at its current allocation.</summary>
    public static string VariantFor(Experiment experiment, string userId)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return ExperimentAllocation.VariantAt(Percentile(experiment.Seed, userId), experiment.TreatmentPercent);
    }
}
