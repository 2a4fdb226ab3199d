namespace DomainAssistant.Experiments;

/// <summary>A thumbs up or down on a message served under an experiment; it counts for the variant that served it.</summary>
public sealed record Rating(string ExperimentId, string MessageId, bool Up, DateTimeOffset RatedAt);
