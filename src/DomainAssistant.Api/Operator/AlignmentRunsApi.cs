using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Http;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Contracts;
using DomainAssistant.Jobs.Alignment;
using MassTransit;
using DomainAssistant.Storage.Jobs;

// The folder is Operator/; the namespace is plural because "Operator" is a reserved word in other .NET languages (CA1716).
namespace DomainAssistant.Api.Operator;

/// <summary>
/// <c>POST /api/operator/alignment-runs</c> (operator): starts an alignment run of a domain on whichever host runs the
/// job handlers, and answers 202 with the job id that <c>GET /api/jobs/{id}</c> follows (stage, step, time left, then
/// the gate's verdict). A domain runs one alignment at a time: a second request while one is queued or running gets
/// 409 naming that one. <c>GET /api/operator/alignment-runs?domain=NAME</c> (operator) lists a domain's runs, newest
/// first, whoever started them (an operator or the feedback trigger), with their state, verdict and adapter.
/// </summary>
public static class AlignmentRunsApi
{
    /// <summary>The kind of an alignment run's job record.</summary>
    public const string Kind = "alignment-run";

    public static IEndpointRouteBuilder MapAlignmentRunsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/operator/alignment-runs", StartAsync).WithName("AlignmentRuns").RequireAuthorization(Policies.Operator);
        app.MapGet("/api/operator/alignment-runs", ListAsync).WithName("AlignmentRunList").RequireAuthorization(Policies.Operator);
        return app;
    }

    /// <summary>The body: the domain, "rloo" or "kto", and optionally the run's budget, fewest votes and seed (else the worker's settings).</summary>
    public sealed record AlignmentRunRequest(string? Domain, string? Method, double? MaxMinutes, int? MinVotes, ulong? Seed);

    /// <summary>The answer: the job to follow.</summary>
    public sealed record AlignmentRunAccepted(Guid JobId, string Domain, string Method);

    /// <summary>One run as the list shows it; <c>adapterSha256</c> once it wrote an adapter.</summary>
    public sealed record AlignmentRunView(Guid JobId, string Domain, string Method, string State, string RequestedBy, DateTimeOffset CreatedAt,
        string? Verdict, string? Adapter, string? AdapterSha256, string? Error);

    static async Task<IResult> ListAsync(string? domain, DomainCatalog domains, IAlignmentRunLedger ledger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(domain)) return Problems.Invalid("domain", "domain must name a domain (?domain=NAME).");
        if (domains.Find(domain) is not { } found) return Problems.NotFound($"No domain is named \"{domain}\".");
        var runs = await ledger.ForDomainAsync(found.Name, cancellationToken);
        return Results.Ok(runs.Select(r => new AlignmentRunView(r.Id, r.Domain, r.Method, r.State, r.RequestedBy, r.CreatedAt, r.Verdict, r.Adapter,
            r.AdapterSha256, r.Error)));
    }

    static async Task<IResult> StartAsync(HttpContext context, DomainCatalog domains, IAlignmentRunLedger ledger, IJobStore jobs, IBus bus, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<AlignmentRunRequest>(context.Request, cancellationToken);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.Domain)) return Problems.Invalid("domain", "domain must name a domain.");
        if (!StartAlignmentRun.IsMethod(request.Method))
            return Problems.Invalid("method", $"method must be \"{StartAlignmentRun.Rloo}\" or \"{StartAlignmentRun.Kto}\".");
        if (request.MaxMinutes is { } minutes && !(minutes > 0 && double.IsFinite(minutes))) return Problems.Invalid("maxMinutes", "maxMinutes must be a positive number of minutes.");
        if (request.MinVotes is < 2) return Problems.Invalid("minVotes", "minVotes must be at least 2 (one up, one down).");
        if (domains.Find(request.Domain) is not { } domain) return Problems.NotFound($"No domain is named \"{request.Domain}\".");

        var requestedBy = CallerIdentity.UserId(context) ?? "operator";
        var start = new StartAlignmentRun(Guid.NewGuid(), domain.Name, request.Method!, requestedBy, request.MaxMinutes, request.MinVotes, request.Seed);
        var (run, queued) = await ledger.QueueAsync(start, cancellationToken);
        if (!queued)
            return Problems.Create(StatusCodes.Status409Conflict, "Conflict", $"Domain \"{domain.Name}\" has an alignment run {run.State} already: job {run.Id}.");
        // The record first, so the job id answered is found at once; the handler's reports update it.
        await jobs.SaveAsync(AlignmentRunReportsConsumer.Queued(start, clock.GetUtcNow()), cancellationToken);
        await bus.Publish(start, cancellationToken);
        await ledger.MarkPublishedAsync(start.JobId, cancellationToken);
        return Results.Accepted($"/api/jobs/{start.JobId}", new AlignmentRunAccepted(start.JobId, start.Domain, start.Method));
    }
}
