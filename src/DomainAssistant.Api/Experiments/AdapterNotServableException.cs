namespace DomainAssistant.Api.Experiments;

/// <summary>An experiment names an adapter the host must not serve: unknown, changed since its verdict, or without a passing one.</summary>
public sealed class AdapterNotServableException : Exception
{
    public AdapterNotServableException() { }

    public AdapterNotServableException(string message) : base(message) { }

    public AdapterNotServableException(string message, Exception inner) : base(message, inner) { }
}
