using System.Diagnostics;
using System.Globalization;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>
/// A round's worker killed mid-run and what came of it, for the report and the round's line on stderr (not in the
/// <c>--json</c> line, whose fields docs/closed-loop.md fixes).
/// </summary>
/// <param name="Round">The round whose alignment run lost its worker.</param>
/// <param name="Step">The policy checkpoint's step the new worker could resume from; null when no worker was killed.</param>
/// <param name="TotalSteps">The policy schedule's length.</param>
/// <param name="RestartSeconds">From the kill until the new worker answered /health.</param>
/// <param name="Resumed">What the adapter's lineage says once the run ended: its policy resumed from a checkpoint (null: no adapter).</param>
/// <param name="Outcome">What happened, in words.</param>
public sealed record WorkerKill(int Round, long? Step, long? TotalSteps, double? RestartSeconds, bool? Resumed, string Outcome)
{
    /// <summary>
    /// Waits until the round's run has a policy checkpoint before its schedule's end, then kills the worker (SIGKILL)
    /// and starts one again; the run's start message, never acknowledged, goes to the new worker, which resumes the
    /// policy there. A run that ends first, or whose first checkpoint seen is its last, is left alone and said so.
    /// </summary>
    public static async Task<WorkerKill> InjectAsync(int round, ScaleOutHosts hosts, OperatorClient operators, string domain, Guid jobId, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(operators);
        var adapter = RunFiles.Adapter(RunFiles.Folder(hosts.DataDirectory, domain, jobId));
        var clock = Stopwatch.StartNew();
        for (var look = 0; ; look++)
        {
            // Often: RLOO writes a checkpoint per iteration, and the kill must land before the last one.
            if (RunFiles.Checkpoint(adapter) is { } seen)
            {
                if (seen.Step >= seen.TotalSteps) return new WorkerKill(round, null, null, null, null, "not killed: the first checkpoint seen was the schedule's last");
                await hosts.KillWorkerAsync();
                var killed = Stopwatch.StartNew();
                // Read once the worker is dead: the checkpoint the next worker finds (the trainer may have written one more).
                var at = RunFiles.Checkpoint(adapter) ?? seen;
                Console.Error.WriteLine($"loop: round {round}: worker killed (SIGKILL) with a policy checkpoint at step {at.Step} of {at.TotalSteps}; starting a worker again");
                await hosts.StartWorkerAsync();
                return new WorkerKill(round, at.Step, at.TotalSteps, killed.Elapsed.TotalSeconds, null, "killed");
            }
            // The ledger less often: a run that fails or ends before any checkpoint is not waited on until the timeout.
            if (look % 25 == 0 && (await operators.AlignmentRunsAsync(domain, CancellationToken.None)).FirstOrDefault(r => r.GetProperty("jobId").GetGuid() == jobId) is { } run
                && run.GetProperty("state").GetString() is "succeeded" or "failed")
                return new WorkerKill(round, null, null, null, null, $"not killed: the run {run.GetProperty("state").GetString()} before a checkpoint was seen");
            if (clock.Elapsed > timeout) return new WorkerKill(round, null, null, null, null, $"not killed: no checkpoint within {timeout.TotalMinutes:0} minutes");
            await Task.Delay(200);
        }
    }

    /// <summary>This kill with the run's end: its state and whether the adapter's lineage says it resumed.</summary>
    public WorkerKill Ended(string state, string adapterFolder)
    {
        if (Step is null) return this;
        var resumed = RunFiles.Resumed(adapterFolder);
        var lineage = resumed switch { true => "its adapter's lineage says resumed", false => "its adapter's lineage says NOT resumed", null => "no adapter lineage" };
        return this with
        {
            Resumed = resumed,
            Outcome = string.Create(CultureInfo.InvariantCulture, $"killed at checkpoint step {Step} of {TotalSteps}; the run {state}; {lineage}"),
        };
    }
}
