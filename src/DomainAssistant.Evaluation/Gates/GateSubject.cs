using DomainAssistant.Model;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// What a gate judges: a loaded base model with two adapters resident, the candidate and the baseline (the adapter
/// in production; null = the base model alone), and the checksums that bind the verdict to those exact files.
/// </summary>
/// <param name="Model">The base model with its tokenizer; the adapters are loaded on it.</param>
/// <param name="Candidate">The candidate adapter's resident name.</param>
/// <param name="Baseline">The baseline adapter's resident name, or null for the base model.</param>
/// <param name="CandidateSha256">SHA-256 of the candidate's adapter_model.safetensors.</param>
/// <param name="BaselineSha256">SHA-256 of the baseline's, or null.</param>
/// <param name="BaseModelSha256">SHA-256 of the base weights.</param>
public sealed record GateSubject(PretrainedModel Model, string Candidate, string? Baseline, string CandidateSha256, string? BaselineSha256, string BaseModelSha256)
{
    /// <summary>The domain's reward model, when it has one: <c>reward_win_rate</c> is measured with it, and reported as
    /// not measured without it.</summary>
    public IAnswerReward? Reward { get; init; }
}
