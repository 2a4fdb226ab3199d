using System.Text.Json;
using DomainAssistant.ServiceDefaults.Bus;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DomainAssistant.Worker.Extensions;

/// <summary>
/// The worker's /health body: the overall status, each check's status and description, and the messages this process
/// moved to an error queue (<see cref="FaultedMessages"/>). Those counts are shown, not judged: a poison message leaves
/// the consumer working, so it does not make the worker unhealthy (an orchestrator would restart it for nothing).
/// </summary>
public static class WorkerHealthReport
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var faulted = context.RequestServices.GetRequiredService<FaultedMessages>().Report();
        var body = new Body(report.Status.ToString().ToLowerInvariant(),
            report.Entries.ToDictionary(e => e.Key, e => new Check(e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description)),
            faulted);
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(body, Json);
    }

    /// <param name="Status">"healthy", "degraded" or "unhealthy" (the status code says the same: 200, 200, 503).</param>
    /// <param name="Checks">Each check by name.</param>
    /// <param name="FaultedMessages">Messages moved to an error queue since the process started, per queue.</param>
    sealed record Body(string Status, IReadOnlyDictionary<string, Check> Checks, FaultedMessagesReport FaultedMessages);

    sealed record Check(string Status, string? Description);
}
