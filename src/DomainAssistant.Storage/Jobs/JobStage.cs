namespace DomainAssistant.Storage.Jobs;

/// <summary>Where a long job is: the stage it is in and, when the stage counts steps, how far it is and how long is left.</summary>
/// <param name="Name">The stage ("export", "reward-model", "policy", "gate", ...).</param>
/// <param name="Step">Steps done in the stage, when it counts them.</param>
/// <param name="Total">Steps the stage will take, when known.</param>
/// <param name="SecondsLeft">Estimated seconds left in the stage, when known.</param>
public sealed record JobStage(string Name, long? Step, long? Total, double? SecondsLeft);
