namespace DomainAssistant.Contracts;

/// <summary>What a running job is doing, in words (a few notes a minute at most), for /health, the log and <c>GET /api/jobs/{id}</c>.</summary>
/// <param name="JobId">The run.</param>
/// <param name="Note">What is happening ("bootstrapping: pretraining base: step 40/200 ...").</param>
/// <param name="Phase">The stage a job of several stages is in ("reward-model", "policy", "gate"); null when the job has one.</param>
/// <param name="Step">Steps of the stage done; null when the stage does not count steps.</param>
/// <param name="Total">Steps the stage plans.</param>
/// <param name="SecondsLeft">Estimated seconds until the stage ends; null until there is a rate to estimate from.</param>
/// <param name="Fraction">Share of the whole job done, 0 to 1; null when the job does not know.</param>
public sealed record JobProgressed(Guid JobId, string Note, string? Phase = null, long? Step = null, long? Total = null, double? SecondsLeft = null,
    double? Fraction = null);
