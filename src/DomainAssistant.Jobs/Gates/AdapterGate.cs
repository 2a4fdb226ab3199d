using DomainAssistant.Contracts;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Grounding;
using DomainAssistant.Model;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Lora;
using DomainAssistant.ServiceDefaults;

namespace DomainAssistant.Jobs.Gates;

/// <summary>
/// Runs one gate as <c>da eval gate</c> does: the suite read and checked first, the base loaded with the candidate
/// and the production adapter resident, prompts composed over a scratch index of the domain, the verdict and its
/// report written under the shared data folder, the verdict into the host's <see cref="IGateVerdictStore"/>. The model
/// is loaded here, apart from the one the API serves, so a gate never competes with users for the serving engine's batches.
/// </summary>
public sealed class AdapterGate(StorageOptions storage, IGateVerdictStore verdicts, TimeProvider clock)
{
    /// <returns>The stored verdict.</returns>
    /// <exception cref="InvalidOperationException">The inputs do not fit together (domain, checksum).</exception>
    public async Task<GateVerdict> RunAsync(GateAdapter job, IProgress<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(progress);
        var suite = GateSuiteFile.Read(job.SuitePath);
        var domain = DomainFile.Read(suite.DomainFolder);
        if (domain.Name != job.Domain)
            throw new InvalidOperationException($"{job.SuitePath} judges domain \"{domain.Name}\", not \"{job.Domain}\".");
        var candidateSha = PeftAdapter.WeightsSha256(job.CandidateFolder);
        if (candidateSha != job.CandidateSha256)
            throw new InvalidOperationException($"adapter {job.AdapterId} changed since it was registered (SHA-256 {candidateSha[..12]}, registered {job.CandidateSha256[..12]}): not judged.");

        using var loaded = PretrainedModel.Load(job.BaseModel);
        PeftAdapter.Load(job.CandidateFolder, loaded.Model, "candidate");
        if (job.BaselineFolder is not null) PeftAdapter.Load(job.BaselineFolder, loaded.Model, "baseline");
        var subject = new GateSubject(loaded, "candidate", job.BaselineFolder is null ? null : "baseline", candidateSha,
            job.BaselineFolder is null ? null : PeftAdapter.WeightsSha256(job.BaselineFolder), WeightsChecksum.Of(job.BaseModel));
        progress.Report($"gate {suite.Name}: {suite.Cases.Count} cases, {job.AdapterId} against {subject.BaselineSha256?[..12] ?? "the base model"}");

        await using var index = await ScratchIndex.BuildAsync(domain, cancellationToken);
        var runner = new GateRunner(suite, domain, index.Retriever, subject, clock);
        var answered = new Progress<(int Done, int Total)>(p =>
        {
            if (p.Done % 20 == 0 || p.Done == p.Total) progress.Report($"gate: {p.Done}/{p.Total} answers");
        });
        var outcome = await runner.RunAsync(answered, cancellationToken);
        var reportFolder = Path.Combine(storage.DataDirectory, "gates", $"{outcome.Verdict.CreatedAt:yyyyMMdd-HHmmss}-{candidateSha[..12]}");
        var report = GateReport.Write(reportFolder, outcome.Verdict, outcome.Findings);
        var verdict = outcome.Verdict with { ReportPath = Path.GetFullPath(report) };
        await verdicts.AddAsync(verdict, cancellationToken);
        return verdict;
    }
}
