using System.Diagnostics;

namespace DomainAssistant.ServiceDefaults;

/// <summary>
/// The names our own traces and metrics go under: <see cref="Source"/> is the ActivitySource for spans of our work
/// (a job run), and meters named <c>DomainAssistant.*</c> are collected with the framework's and MassTransit's.
/// </summary>
public static class AssistantTelemetry
{
    /// <summary>The ActivitySource name, and the prefix of our meters' names.</summary>
    public const string Name = "DomainAssistant";

    /// <summary>Spans of our own work; a span costs nothing when no listener (no tracer provider) samples it.</summary>
    public static ActivitySource Source { get; } = new(Name);
}
