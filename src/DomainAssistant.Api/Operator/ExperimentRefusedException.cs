namespace DomainAssistant.Api.Operator;

/// <summary>
/// An experiment <see cref="ExperimentLaunch"/> will not create: a domain it does not know (<see cref="Field"/> names
/// the field), or an adapter that may not reach users (the API answers 422 with <see cref="Title"/>).
/// </summary>
public sealed class ExperimentRefusedException(string title, string message, string? field = null) : Exception(message)
{
    public string Title { get; } = title;

    /// <summary>The request field at fault, when the refusal is about one; null for an adapter that may not be served.</summary>
    public string? Field { get; } = field;
}
