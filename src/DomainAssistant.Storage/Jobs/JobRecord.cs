namespace DomainAssistant.Storage.Jobs;

/// <summary>The states a job passes through: queued, running, then succeeded or failed.</summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static bool IsFinished(string state) => state is Succeeded or Failed;
}

/// <summary>A background job as <c>GET /api/jobs/{id}</c> shows it.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Kind">What it does ("corpus-ingestion").</param>
/// <param name="Domain">The domain it works on.</param>
/// <param name="Version">The corpus version it ingests.</param>
/// <param name="State">queued, running, succeeded or failed.</param>
/// <param name="Progress">0 to 1.</param>
/// <param name="Message">What it is doing, or what it did.</param>
/// <param name="DocumentsDone">Documents finished (indexed or found unchanged).</param>
/// <param name="DocumentsTotal">Documents to go through; 0 until known.</param>
/// <param name="ChunksDone">Chunks written.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="StartedAt">When it last started running.</param>
/// <param name="FinishedAt">When it succeeded or failed.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="RequestedBy">Who asked for it.</param>
public sealed record JobRecord(Guid Id, string Kind, string Domain, int? Version, string State, double Progress, string Message,
    int DocumentsDone, int DocumentsTotal, int ChunksDone, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? Error, string? RequestedBy)
{
    /// <summary>The stage a job that reports stages is in (kept after a failure, to say where it failed); null otherwise.</summary>
    public JobStage? Stage { get; init; }
}
