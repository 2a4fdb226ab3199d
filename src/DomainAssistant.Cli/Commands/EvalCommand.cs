using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DomainAssistant.Alignment.RewardModeling;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Grounding;
using DomainAssistant.Model;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Threading;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `da eval gate`: judges a candidate adapter against the baseline (the adapter in production) on a gate suite, writes
/// the report, stores the verdict bound to the candidate's SHA-256 in the data folder, and exits 0 on pass, 1 on fail,
/// 2 on bad input (a malformed suite, a missing model or adapter), so scripts and the worker can chain on it.
/// </summary>
public static class EvalCommand
{
    const int Pass = 0, Fail = 1, BadInput = 2;

    public static Command Create() => new("eval", "Offline evaluation of adapters.") { Gate() };

    static Command Gate()
    {
        var suite = new Option<string>("--suite") { Description = "Gate suite file (eval-suites/README.md).", Required = true };
        var model = new Option<string>("--model") { Description = "Base model (Hugging Face folder).", Required = true };
        var adapter = new Option<string>("--adapter") { Description = "Candidate adapter (PEFT folder).", Required = true };
        var baseline = new Option<string?>("--baseline-adapter") { Description = "The adapter in production to compare with (default: the base model alone)." };
        var data = new Option<string>("--data") { Description = "Data folder: the verdict is stored in its gate-verdicts.db (or in --postgres), the report under its gates/.", Required = true };
        var report = new Option<string?>("--report") { Description = "Report folder (default: DATA/gates/<time>-<candidate sha>)." };
        var rewardModel = new Option<string?>("--reward-model")
        {
            Description = "The domain's reward model (`da align rm` output): measures reward_win_rate; without it that metric is reported as not measured.",
        };
        var json = new Option<bool>("--json") { Description = "End stdout with the verdict as one JSON object." };
        var ledger = new LedgerOption();
        ledger.Option.Description = "Lineage ledger to record the verdict into (default: DATA/lineage.db).";
        ledger.Option.DefaultValueFactory = null;
        var command = new Command("gate", "Judge a candidate adapter against the production baseline on a suite; exit 0 pass, 1 fail, 2 bad input.")
        {
            suite, model, adapter, baseline, rewardModel, data, report, json, ledger.Option, ledger.Shared.Option,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                OpenMpWaitPolicy.UsePassiveUnlessSet();
                var gateSuite = GateSuiteFile.Read(parse.GetRequiredValue(suite));
                var domain = DomainFile.Read(gateSuite.DomainFolder);
                var (modelPath, candidatePath, baselinePath) = (parse.GetRequiredValue(model), parse.GetRequiredValue(adapter), parse.GetValue(baseline));
                foreach (var folder in new[] { candidatePath, baselinePath })
                    if (folder is not null && !File.Exists(Path.Combine(folder, PeftAdapter.WeightsFileName)))
                        throw new FileNotFoundException($"no adapter at {folder}: {PeftAdapter.WeightsFileName} is missing.");
                using var loaded = PretrainedModel.Load(modelPath);
                PeftAdapter.Load(candidatePath, loaded.Model, "candidate");
                if (baselinePath is not null) PeftAdapter.Load(baselinePath, loaded.Model, "baseline");
                var subject = new GateSubject(loaded, "candidate", baselinePath is null ? null : "baseline", PeftAdapter.WeightsSha256(candidatePath),
                    baselinePath is null ? null : PeftAdapter.WeightsSha256(baselinePath), WeightsChecksum.Of(modelPath));
                using var reward = parse.GetValue(rewardModel) is { } rewardFolder ? RewardModelAnswerReward.Load(rewardFolder, loaded, Checksums.Model(modelPath)) : null;
                if (reward is not null) subject = subject with { Reward = reward };

                await error.WriteLineAsync($"gate {gateSuite.Name}: {gateSuite.Cases.Count} cases, candidate {subject.CandidateSha256[..12]} against {subject.BaselineSha256?[..12] ?? "the base model"}");
                await using var index = await ScratchIndex.BuildAsync(domain, cancellation);
                var runner = new GateRunner(gateSuite, domain, index.Retriever, subject, TimeProvider.System);
                var progress = new Progress<(int Done, int Total)>(p =>
                {
                    if (p.Done % 20 == 0 || p.Done == p.Total) error.WriteLine($"gate: {p.Done}/{p.Total} answers");
                });
                var outcome = await runner.RunAsync(progress, cancellation);

                var dataFolder = parse.GetRequiredValue(data);
                var reportFolder = parse.GetValue(report) ?? Path.Combine(dataFolder, "gates",
                    $"{outcome.Verdict.CreatedAt:yyyyMMdd-HHmmss}-{subject.CandidateSha256[..12]}");
                var reportPath = GateReport.Write(reportFolder, outcome.Verdict, outcome.Findings);
                var verdict = outcome.Verdict with { ReportPath = Path.GetFullPath(reportPath) };
                await using var lineage = ledger.Open(parse, parse.GetValue(ledger.Option) ?? Path.Combine(dataFolder, SqliteLineageLedger.FileName));
                IGateVerdictStore verdicts = lineage.Database is { } shared ? new PostgresGateVerdictStore(shared) : new SqliteGateVerdictStore(dataFolder);
                await verdicts.AddAsync(verdict, cancellation);
                await error.WriteLineAsync($"gate: verdict stored in {(lineage.Database is { } db ? $"PostgreSQL {db.Name}" : Path.GetFullPath(Path.Combine(dataFolder, SqliteGateVerdictStore.FileName)))}");
                var recorded = await lineage.Ledger.RecordAsync(GateLineage.Of(verdict, candidatePath, baselinePath, modelPath, Checksums.Model(modelPath)), cancellation);
                await error.WriteLineAsync($"lineage: gate_verdict {recorded.Id} recorded in {lineage.Where}");

                await error.WriteLineAsync(FormattableString.Invariant(
                    $"gate: answers in {outcome.Generation.TotalSeconds:F0} s, scoring in {outcome.Scoring.TotalSeconds:F0} s; report {verdict.ReportPath}"));
                var stdout = parse.InvocationConfiguration.Output;
                if (parse.GetValue(json)) await stdout.WriteLineAsync(JsonSerializer.Serialize(Summary(verdict)));
                else
                {
                    foreach (var m in verdict.Metrics)
                        await stdout.WriteLineAsync(FormattableString.Invariant($"{(m.Passed ? "pass" : "FAIL"),-4} {m.Metric.Name(),-24} {m.Reason}"));
                    await stdout.WriteLineAsync($"verdict: {verdict.Verdict}");
                }
                return verdict.Passed ? Pass : Fail;
            }
            catch (Exception e) when (e is SuiteFormatException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException
                                          or ArgumentException or NotSupportedException or System.Data.Common.DbException)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return BadInput;
            }
        });
        return command;
    }

    /// <summary>The --json object: verdict, per metric the candidate, baseline, the candidate's interval, threshold and outcome.</summary>
    static Dictionary<string, object?> Summary(GateVerdict verdict) => new()
    {
        ["verdict"] = verdict.Verdict,
        ["metrics"] = verdict.Metrics.Select(m => new Dictionary<string, object?>
        {
            ["name"] = m.Metric.Name(),
            ["candidate"] = Number(m.Candidate),
            ["baseline"] = m.Baseline is { } b ? Number(b) : null,
            ["ci_low"] = Number(m.CandidateInterval.Low),
            ["ci_high"] = Number(m.CandidateInterval.High),
            ["difference_ci_low"] = m.Difference is { } d ? Number(d.Low) : null,
            ["difference_ci_high"] = m.Difference is { } e ? Number(e.High) : null,
            ["threshold"] = new Dictionary<string, double?> { ["min"] = m.Threshold.Min, ["max"] = m.Threshold.Max, ["max_drop"] = m.Threshold.MaxDrop },
            ["passed"] = m.Passed,
            ["reason"] = m.Reason,
        }).ToList(),
        ["adapter_sha256"] = verdict.CandidateSha256,
        ["baseline_sha256"] = verdict.BaselineSha256,
        ["report"] = verdict.ReportPath,
    };

    /// <summary>JSON has no NaN: a metric no case counted for is null.</summary>
    static double? Number(double value) => double.IsNaN(value) ? null : Math.Round(value, 6);
}
