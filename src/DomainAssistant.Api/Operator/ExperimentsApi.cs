using System.Security.Claims;
using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Http;
using DomainAssistant.Api.Serving;
using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Analysis;
using DomainAssistant.Experiments.Rollout;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// A/B experiments of registered adapters for operators (operator key): create (201 <c>{"id"}</c>; 422 when an
/// adapter may not reach users), read with its statistics and audit (and each variant's up-rate over time), pause, resume, ramp, promote, roll back, and set
/// the treatment's share. Every change is written with its audit entry by the store; nothing here edits the audit.
/// </summary>
public static class ExperimentsApi
{
    /// <summary>Longest experiment name, as every other name the API takes.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Longest <c>reason</c> of a pause, resume, ramp, promotion or rollback, as a feedback's reason.</summary>
    public const int MaxReasonLength = 4_000;

    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        var experiments = app.MapGroup("/api/operator/experiments").RequireAuthorization(Policies.Operator);
        experiments.MapPost("/", CreateAsync).WithName("CreateExperiment");
        experiments.MapGet("/", ListAsync).WithName("Experiments");
        experiments.MapGet("/{id}", ShowAsync).WithName("Experiment");
        experiments.MapGet("/{id}/timeline", TimelineAsync).WithName("ExperimentTimeline");
        experiments.MapPatch("/{id}", ChangePercentAsync).WithName("ChangeExperimentPercent");
        experiments.MapPost("/{id}/pause", (string id, string? reason, HttpContext context, IExperimentStore store, CancellationToken ct) =>
            MoveAsync(id, ExperimentStatus.Paused, reason, context, store, ct)).WithName("PauseExperiment");
        experiments.MapPost("/{id}/resume", (string id, string? reason, HttpContext context, IExperimentStore store, CancellationToken ct) =>
            MoveAsync(id, ExperimentStatus.Running, reason, context, store, ct)).WithName("ResumeExperiment");
        experiments.MapPost("/{id}/rollback", (string id, string? reason, HttpContext context, IExperimentStore store, CancellationToken ct) =>
            MoveAsync(id, ExperimentStatus.RolledBack, reason, context, store, ct)).WithName("RollBackExperiment");
        experiments.MapPost("/{id}/promote", PromoteAsync).WithName("PromoteExperiment");
        experiments.MapPost("/{id}/ramp", RampAsync).WithName("RampExperiment");
        return app;
    }

    /// <summary>The answer to a creation.</summary>
    public sealed record Created(string Id);

    /// <summary>An experiment in a list, or after a change.</summary>
    public sealed record ExperimentSummary(string Id, string Name, string Domain, string Status, string? Control, string Treatment, double TreatmentPercent,
        IReadOnlyList<double> Ramp, DateTimeOffset CreatedAt)
    {
        public static ExperimentSummary Of(Experiment e) =>
            new(e.Id, e.Name, e.Domain, e.Status.Name(), e.ControlAdapter, e.TreatmentAdapter, e.TreatmentPercent, e.Ramp, e.CreatedAt);
    }

    static string Actor(HttpContext context) => context.User.FindFirstValue(ClaimTypes.Name) ?? "operator";

    static IResult Unprocessable(string title, string detail) => Problems.Create(StatusCodes.Status422UnprocessableEntity, title, detail);

    static async Task<IResult> CreateAsync(HttpContext context, ExperimentLaunch launch, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<ExperimentRequest>(context.Request, cancellationToken);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.Name)) return Problems.Invalid("name", "name is required.");
        if (request.Name.Trim().Length > MaxNameLength) return Problems.Invalid("name", $"name may be at most {MaxNameLength} characters.");
        if (string.IsNullOrWhiteSpace(request.Domain)) return Problems.Invalid("domain", "domain is required.");
        if (string.IsNullOrWhiteSpace(request.Treatment)) return Problems.Invalid("treatment", "treatment must name a registered adapter.");
        if (request.TreatmentPercent is not { } percent) return Problems.Invalid("treatmentPercent", "treatmentPercent is required (0-100).");
        var (guardrails, guardrailProblem) = request.ReadGuardrails();
        if (guardrailProblem is not null) return Problems.Invalid("guardrails", guardrailProblem);

        var draft = new ExperimentDraft(request.Name.Trim(), request.Domain, request.Control, request.Treatment, percent, request.Ramp, guardrails);
        try
        {
            var experiment = await launch.CreateAsync(draft, Actor(context), cancellationToken);
            return Results.Created($"/api/operator/experiments/{experiment.Id}", new Created(experiment.Id));
        }
        catch (ExperimentRefusedException refused)
        {
            return refused.Field is { } field ? Problems.Invalid(field, refused.Message) : Unprocessable(refused.Title, refused.Message);
        }
        catch (ArgumentException invalid)
        {
            return Problems.BadRequest(invalid.Message);
        }
        catch (ExperimentConflictException conflict)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Conflict", conflict.Message);
        }
    }

    static async Task<IResult> ListAsync(IExperimentStore store, CancellationToken cancellationToken) =>
        Results.Ok((await store.ListAsync(cancellationToken)).Reverse().Select(ExperimentSummary.Of));

    static async Task<IResult> ShowAsync(string id, IExperimentStore store, ExperimentAnalysis analysis, IAdapterRegistry registry, ModelHost models,
        CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } experiment) return Problems.NotFound($"No experiment has id \"{id}\".");
        var report = await analysis.AnalyseAsync(experiment.Id, cancellationToken);
        var audit = await store.ReadAuditAsync(experiment.Id, cancellationToken);
        var checksums = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var adapter in new[] { experiment.ControlAdapter, experiment.TreatmentAdapter }.OfType<string>())
            checksums[adapter] = (await registry.FindAsync(adapter, cancellationToken))?.Sha256;
        var model = models.Current;
        string? DefaultChecksum() => model?.DefaultAdapter is { } name && model.Adapters.TryGetValue(name, out var info) ? info.Checksum : null;
        return Results.Ok(ExperimentView.Of(report, audit, adapter => adapter is null ? DefaultChecksum() : checksums.GetValueOrDefault(adapter)));
    }

    /// <summary>Each variant's cumulative up-rate over about 60 points of the experiment's life (for the dashboard's chart).</summary>
    static async Task<IResult> TimelineAsync(string id, IExperimentStore store, IExperimentRecords records, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } experiment) return Problems.NotFound($"No experiment has id \"{id}\".");
        var points = await records.TimelineAsync(experiment, TimelineView.Bucket(experiment.CreatedAt, clock.GetUtcNow()), cancellationToken);
        return Results.Ok(points.Select(TimelineView.Of));
    }

    static async Task<IResult> ChangePercentAsync(string id, HttpContext context, IExperimentStore store, CancellationToken cancellationToken)
    {
        var (change, problem) = await JsonBody.ReadAsync<ExperimentChange>(context.Request, cancellationToken);
        if (problem is not null) return problem;
        if (change!.TreatmentPercent is not { } percent) return Problems.Invalid("treatmentPercent", "treatmentPercent is required (0-100).");
        return await ChangeAsync(() => store.SetTreatmentPercentAsync(id, percent, Actor(context), cancellationToken));
    }

    static Task<IResult> MoveAsync(string id, ExperimentStatus status, string? reason, HttpContext context, IExperimentStore store, CancellationToken cancellationToken) =>
        ReasonProblem(reason) is { } problem ? Task.FromResult(problem) : ChangeAsync(() => store.ChangeStatusAsync(id, status, Actor(context), reason, cancellationToken));

    // The reason goes into the audit log and onto the dashboard: bounded like a feedback's reason, before anything is looked up.
    static IResult? ReasonProblem(string? reason) =>
        reason is { Length: > MaxReasonLength } ? Problems.Invalid("reason", $"reason may be at most {MaxReasonLength} characters.") : null;

    static async Task<IResult> PromoteAsync(string id, string? reason, HttpContext context, IExperimentStore store, IPromotionCheck promotion,
        CancellationToken cancellationToken)
    {
        if (ReasonProblem(reason) is { } problem) return problem;
        if (await store.FindAsync(id, cancellationToken) is not { } experiment) return Problems.NotFound($"No experiment has id \"{id}\".");
        // Promoting serves the treatment to everyone: its file must still be the one that passed.
        if (await promotion.WhyNotPromotableAsync(experiment.TreatmentAdapter, cancellationToken) is { } why)
            return Unprocessable("Adapter not releasable", $"treatment {why}");
        return await MoveAsync(id, ExperimentStatus.Promoted, reason, context, store, cancellationToken);
    }

    static Task<IResult> RampAsync(string id, string? reason, HttpContext context, IExperimentStore store, CancellationToken cancellationToken) =>
        ReasonProblem(reason) is { } problem ? Task.FromResult(problem) : ChangeAsync(() => store.RampAsync(id, Actor(context), reason, cancellationToken: cancellationToken));

    static async Task<IResult> ChangeAsync(Func<Task<Experiment>> change)
    {
        try
        {
            return Results.Ok(ExperimentSummary.Of(await change()));
        }
        catch (KeyNotFoundException missing)
        {
            return Problems.NotFound(missing.Message);
        }
        catch (ExperimentConflictException conflict)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Conflict", conflict.Message);
        }
        catch (ArgumentException invalid)
        {
            return Problems.BadRequest(invalid.Message);
        }
    }
}
