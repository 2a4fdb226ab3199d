namespace DomainAssistant.Experiments;

/// <summary>A change the experiment's state does not allow (an API answers 409 with the message).</summary>
public sealed class ExperimentConflictException(string message) : InvalidOperationException(message);
