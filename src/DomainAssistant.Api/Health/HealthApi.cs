using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Serving;
using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Api.Health;

/// <summary>
/// <c>GET /health</c>: 200 once the model, the index and its embeddings (vectors of the configured embedder, the
/// hashing embedder's by default, the model's with Retrieval:Embeddings = Model) are ready; 503 before (with what is still warming and what
/// each part is doing) or when a part failed (with why). The body also counts the messages this process moved to an
/// error queue (<see cref="FaultedMessages"/>): they need someone's look, but the host serves on, so they never change the status.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (ModelHost model, CorpusIndex index, FaultedMessages faulted) =>
                Report([model.Warmup, index.Warmup, index.Embeddings], faulted.Report()))
            .WithName("Health")
            .AllowAnonymous();
        return app;
    }

    static IResult Report(IReadOnlyList<Warmup> parts, FaultedMessagesReport faulted)
    {
        var warming = parts.Where(p => p.State == WarmupState.Warming).Select(p => p.Name).ToList();
        var failed = parts.Where(p => p.State == WarmupState.Failed).Select(p => p.Name).ToList();
        var status = failed.Count > 0 ? "failed" : warming.Count > 0 ? "warming" : "ready";
        var body = new HealthReport(status, warming, failed,
            parts.ToDictionary(p => p.Name, p => new PartReport(p.State.ToString().ToLowerInvariant(), p.Detail)), faulted);
        return Results.Json(body, statusCode: status == "ready" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The /health body.</summary>
    /// <param name="Status">"ready", "warming" or "failed".</param>
    /// <param name="Warming">Parts still getting ready ("model", "index", "embeddings").</param>
    /// <param name="Failed">Parts that gave up.</param>
    /// <param name="Parts">Each part's state and what it is doing (or why it failed).</param>
    /// <param name="FaultedMessages">Messages this process moved to an error queue since it started, per queue.</param>
    public sealed record HealthReport(string Status, IReadOnlyList<string> Warming, IReadOnlyList<string> Failed, IReadOnlyDictionary<string, PartReport> Parts,
        FaultedMessagesReport FaultedMessages);

    /// <summary>One part's state ("warming", "ready", "failed") and detail.</summary>
    public sealed record PartReport(string State, string Detail);
}
