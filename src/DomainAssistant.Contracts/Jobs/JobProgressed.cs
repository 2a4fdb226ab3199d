namespace DomainAssistant.Contracts;

/// <summary>What a running job is doing, in words (a few notes a minute at most), for /health and the log.</summary>
/// <param name="JobId">The run.</param>
/// <param name="Note">What is happening ("bootstrapping: pretraining base: step 40/200 ...").</param>
public sealed record JobProgressed(Guid JobId, string Note);
