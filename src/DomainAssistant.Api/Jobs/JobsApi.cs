using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Http;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Jobs;

/// <summary><c>GET /api/jobs/{id}</c> (domain-team): a background job's state and progress.</summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs/{id:guid}", FindAsync).WithName("Job").RequireAuthorization(Policies.DomainTeam);
        return app;
    }

    static async Task<IResult> FindAsync(Guid id, IJobStore jobs, CancellationToken cancellationToken) =>
        await jobs.FindAsync(id, cancellationToken) is { } job ? Results.Ok(job) : Problems.NotFound($"No job has id {id}.");
}
