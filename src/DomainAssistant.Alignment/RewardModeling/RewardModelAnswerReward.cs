using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Model;

namespace DomainAssistant.Alignment.RewardModeling;

/// <summary>A trained reward model (<see cref="RewardModelFolder"/>) as the gates' <see cref="IAnswerReward"/>.</summary>
public sealed class RewardModelAnswerReward(RewardModel reward, string sha256, int padId, int maxLength) : IAnswerReward, IDisposable
{
    public string Sha256 { get; } = sha256;

    /// <summary>
    /// Loads the reward model in <paramref name="folder"/> onto the model the gate already holds (its adapter joins the
    /// candidate and the baseline there), after checking it was trained on that same base.
    /// </summary>
    /// <param name="folder">The reward model's folder.</param>
    /// <param name="model">The gate's base model, candidate and baseline loaded.</param>
    /// <param name="baseModelSha256">The base's checksum as the trainers record it (<c>Checksums.Model</c> of its folder).</param>
    /// <exception cref="InvalidDataException">The folder is not a reward model, was changed after training, or belongs to another base.</exception>
    public static RewardModelAnswerReward Load(string folder, PretrainedModel model, string baseModelSha256)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = RewardModelFolder.ReadConfig(folder);
        if (!string.Equals(config.BaseModelSha256, baseModelSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"{folder}: the reward model was trained on base {config.BaseModelSha256}, but the gate's base model is {baseModelSha256}.");
        var reward = RewardModelFolder.Load(folder, model.Model, "reward");
        return new RewardModelAnswerReward(reward, config.Checksum, new AlignmentTokens(model.Tokenizer, config.MaxLength).PadId, config.MaxLength);
    }

    public IReadOnlyList<double> Score(IReadOnlyList<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Answer)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        // Sequences longer than the reward model was trained on keep their end: the answer is what is judged.
        var sequences = answers.Select(a =>
        {
            int[] ids = [.. a.Prompt, .. a.Answer];
            var keep = Math.Min(ids.Length, maxLength);
            return new ScoredSequence(ids[^keep..], Math.Max(0, a.Prompt.Count - (ids.Length - keep)));
        }).ToList();
        return reward.Score(sequences, padId);
    }

    /// <summary>Disposes the reward head; its adapter stays on the model, which belongs to whoever loaded it.</summary>
    public void Dispose() => reward.Dispose();
}
