using System.Globalization;
using DomainAssistant.Api.Experiments;
using DomainAssistant.Api.Serving;
using DomainAssistant.Contracts;
using DomainAssistant.Evaluation.Registry;
using DomainAssistant.Experiments;
using DomainAssistant.Experiments.Rollout;

namespace DomainAssistant.Api.Operator;

/// <summary>
/// Starts the experiment of an adapter an alignment run passed through its gate (issue 19's loop): the adapter is
/// registered (the run's PEFT folder as a package, the production adapter as its parent) unless it is already, then
/// tested against the domain's production adapter (<see cref="ProductionAdapter"/>) at
/// <c>Experiments:Rollout:FirstPercent</c> with its ramp and the default guardrails, created through
/// <see cref="ExperimentLaunch"/> by the actor <see cref="RolloutWatch.Actor"/>. A domain with a live experiment
/// gets no second one. Whatever happens is said in words, for the run's job record and the log.
/// </summary>
public sealed partial class AlignmentRollout(ExperimentsOptions options, IAdapterRegistry registry, ModelHost models, IExperimentStore store,
    ExperimentLaunch launch, ILogger<AlignmentRollout> logger)
{
    /// <returns>What was done, or why nothing was.</returns>
    public async Task<string> StartAsync(AlignmentRunFinished run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        // Expected outcomes, not problems: said at information level.
        if (!options.Rollout.Enabled) return NotStarted(run, "Experiments:Rollout:Enabled is off");
        if (run.Verdict != "pass") return NotStarted(run, "the adapter failed its gate");
        if (models.Current is not { } model)
            return Skipped(run, "the model is not loaded, and an adapter is registered against its base; start the experiment by hand once it is");

        var experiments = await store.ListAsync(cancellationToken);
        var production = ProductionAdapter.Of(experiments, run.Domain);
        RegisteredAdapter adapter;
        try
        {
            adapter = await RegisterAsync(run, model.Pretrained.Model.Config, production, cancellationToken);
        }
        catch (AdapterRejectedException refused)
        {
            return Skipped(run, $"the registry refused the adapter: {refused.Message}");
        }
        if (experiments.LastOrDefault(e => e.TreatmentAdapter == adapter.Id && e.Domain == run.Domain) is { } tested)
            return Skipped(run, $"adapter {adapter.Id} is already the treatment of experiment {tested.Id} ({tested.Status.Name()})");
        if (experiments.LastOrDefault(e => e.Domain == run.Domain && e.Status.IsLive()) is { } live)
            return Skipped(run, $"domain {run.Domain} already has a live experiment ({live.Id}, {live.Status.Name()}); adapter {adapter.Id} is registered for an operator to test later");

        var draft = new ExperimentDraft($"{run.Method} run {run.JobId:N}", run.Domain, production, adapter.Id,
            options.Rollout.FirstPercent, options.Rollout.RampSteps);
        try
        {
            var experiment = await launch.CreateAsync(draft, RolloutWatch.Actor, cancellationToken);
            var started = string.Create(CultureInfo.InvariantCulture,
                $"experiment {experiment.Id} started: {adapter.Id} against {production ?? "the host's default adapter"} at {experiment.TreatmentPercent}%, ramp {string.Join(" → ", experiment.Ramp)}");
            LogStarted(run.JobId, run.Domain, started);
            return started;
        }
        catch (Exception refused) when (refused is ExperimentRefusedException or ExperimentConflictException or ArgumentException)
        {
            return Skipped(run, refused.Message);
        }
    }

    async Task<RegisteredAdapter> RegisterAsync(AlignmentRunFinished run, DomainAssistant.Model.LlamaConfig baseConfig, string? parent, CancellationToken cancellationToken)
    {
        // The registry takes packages; the run's folder becomes one in a temp file, never whole in memory.
        await using var zip = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        AdapterArchive.Pack(run.AdapterFolder, zip);
        zip.Position = 0;
        var (adapter, _) = await registry.RegisterZipAsync(zip, new AdapterRegistration(run.Domain, baseConfig, parent is null ? [] : [parent],
            $"alignment-run:{run.JobId:N}"), cancellationToken);
        if (adapter.Sha256 != run.AdapterSha256)
            throw new AdapterRejectedException(AdapterRejection.Invalid,
                $"its weights at {run.AdapterFolder} have SHA-256 {adapter.Sha256[..12]}, not the {run.AdapterSha256[..12]} the gate judged");
        return adapter;
    }

    string NotStarted(AlignmentRunFinished run, string why)
    {
        LogNotStarted(run.JobId, run.Domain, why);
        return $"no experiment started: {why}";
    }

    string Skipped(AlignmentRunFinished run, string why)
    {
        LogSkipped(run.JobId, run.Domain, why);
        return $"no experiment started: {why}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId} of {Domain}: {What}")]
    partial void LogStarted(Guid jobId, string domain, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alignment run {JobId} of {Domain}: no experiment started: {Why}")]
    partial void LogNotStarted(Guid jobId, string domain, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alignment run {JobId} of {Domain}: no experiment started: {Why}")]
    partial void LogSkipped(Guid jobId, string domain, string why);
}
