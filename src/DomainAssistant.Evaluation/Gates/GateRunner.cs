using System.Diagnostics;
using DomainAssistant.Grounding;
using DomainAssistant.Model.Generation;
using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// Runs a suite against a candidate and a baseline adapter, on the same prompts the host would compose (the domain's
/// retrieval, system prompt and <see cref="PromptComposer"/>), and judges each metric. Both variants are decoded
/// together in the batched engine, greedily (the suite's seed is recorded with each request), so the same inputs give
/// the same answers and the same verdict.
/// </summary>
public sealed class GateRunner(GateSuite suite, DomainProfile domain, IRetriever retriever, GateSubject subject, TimeProvider clock)
{
    /// <summary>Sequences decoded together.</summary>
    public int MaxBatch { get; init; } = 8;

    /// <param name="progress">Answers generated so far, of how many.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<GateOutcome> RunAsync(IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var clockWatch = Stopwatch.StartNew();
        var prepared = new List<CaseAnswer>();
        foreach (var @case in suite.Cases) prepared.Add(await PrepareAsync(@case, cancellationToken));

        string?[] variants = [subject.Candidate, subject.Baseline];
        var answers = new Dictionary<string, CaseAnswer[]>(StringComparer.Ordinal);
        await using (var engine = new GenerationEngine(subject.Model.Model, MaxBatch, subject.Model.Model.Config.MaxPositionEmbeddings))
        {
            var generator = new TextGenerator(engine, subject.Model.Tokenizer, subject.Model.StopTokens);
            var done = 0;
            var total = prepared.Count * variants.Length;
            var runs = variants.Select(async variant =>
            {
                var generated = await Task.WhenAll(prepared.Select(async item =>
                {
                    var answered = await AnswerAsync(generator, item, variant, cancellationToken);
                    progress?.Report((Interlocked.Increment(ref done), total));
                    return answered;
                }));
                return (Key(variant), generated);
            });
            foreach (var (key, generated) in await Task.WhenAll(runs)) answers[key] = generated;
        }
        var generation = clockWatch.Elapsed;

        clockWatch.Restart();
        var candidate = answers[Key(subject.Candidate)];
        var baseline = answers[Key(subject.Baseline)];
        var scoring = new CaseScoring(domain);
        var measures = new ModelMeasures(subject.Model);
        var judge = new GateJudge(new Bootstrap(suite.Seed));
        var results = new List<MetricResult>();
        var findings = new List<CaseFinding>();
        foreach (var threshold in suite.Thresholds)
        {
            var metric = threshold.Metric;
            var kind = GateSuiteFile.CasesFor(metric);
            var cases = Enumerable.Range(0, prepared.Count).Where(i => prepared[i].Case.Kind == kind).ToArray();
            if (metric == GateMetric.RewardWinRate && subject.Reward is null)
            {
                results.Add(NotMeasured(threshold, "not measured: the gate was given no reward model (the metric counts once the domain has one)"));
                continue;
            }
            var (candidateSample, baselineSample) = metric switch
            {
                GateMetric.RewardWinRate => (WinRate(subject.Reward!, cases, candidate, baseline), null),
                GateMetric.HeldOutPerplexity => Perplexity(measures, cases, prepared),
                GateMetric.KlToBaseline => (Divergence(measures, cases, candidate), null),
                _ => (Sample(scoring, metric, cases, candidate), Sample(scoring, metric, cases, baseline)),
            };
            var result = judge.Judge(threshold, candidateSample, baselineSample);
            results.Add(metric == GateMetric.RewardWinRate ? result with { Reason = $"{result.Reason} (reward model {subject.Reward!.Sha256[..12]})" } : result);
            if (metric is GateMetric.HeldOutPerplexity or GateMetric.KlToBaseline or GateMetric.RewardWinRate) continue;
            foreach (var i in cases)
                if (scoring.Fault(metric, candidate[i]) is { } why && scoring.Fault(metric, baseline[i]) is null)
                    findings.Add(new CaseFinding(candidate[i].Case.Id, metric, candidate[i].Case.Question, candidate[i].Text, why));
        }
        var verdict = new GateVerdict(suite.Name, suite.Sha256, subject.CandidateSha256, subject.BaselineSha256, subject.BaseModelSha256, results, clock.GetUtcNow());
        return new GateOutcome(verdict, findings, generation, clockWatch.Elapsed);
    }

    static string Key(string? adapter) => adapter ?? "";

    async Task<CaseAnswer> PrepareAsync(SuiteCase @case, CancellationToken cancellationToken)
    {
        var retrieved = @case.Question.Trim().Length == 0 ? [] : await retriever.RetrieveAsync(@case.Question, domain.Name, domain.Defaults.TopK, cancellationToken);
        var documents = retrieved.Select(r => r.Chunk.DocumentId).ToList();
        if (@case.Inject is { } planted) retrieved = PlantedInstruction.Into(retrieved, planted);
        try
        {
            var prompt = PromptComposer.Compose(domain.SystemPrompt, null, [], @case.Question, retrieved, subject.Model.Tokenizer,
                subject.Model.Model.Config.MaxPositionEmbeddings, domain.Defaults.MaxTokens);
            return new CaseAnswer(@case, prompt, null, "", [], [], documents);
        }
        catch (PromptTooLongException e)
        {
            return new CaseAnswer(@case, null, e.Message, "", [], [], documents);
        }
    }

    async Task<CaseAnswer> AnswerAsync(TextGenerator generator, CaseAnswer item, string? adapter, CancellationToken cancellationToken)
    {
        if (item.Prompt is null) return item;
        var sampling = SamplingOptions.Greedy(item.Prompt.MaxTokens) with { Seed = suite.Seed };
        var completion = await generator.CompleteAsync(generator.PrepareChat(item.Prompt.Tokens, sampling, adapter), cancellationToken: cancellationToken);
        return item with { Text = completion.Text.Trim(), PromptTokens = completion.PromptTokens, Tokens = completion.Tokens };
    }

    static MetricSample Sample(CaseScoring scoring, GateMetric metric, int[] cases, CaseAnswer[] answers)
    {
        var scores = cases.Select(i => scoring.Score(metric, answers[i])).ToArray();
        return new MetricSample([.. scores.Select(s => s.Numerator)], [.. scores.Select(s => s.Denominator)]);
    }

    /// <summary>Reference perplexity under the candidate and under the baseline, over the same cases.</summary>
    (MetricSample Candidate, MetricSample? Baseline) Perplexity(ModelMeasures measures, int[] cases, List<CaseAnswer> prepared)
    {
        (double[] Nll, double Tokens)[] losses = [.. cases.Select(i => prepared[i].Prompt is { } prompt
            ? measures.ReferenceLoss(prompt, prepared[i].Case.Answer!, [subject.Candidate, subject.Baseline])
            : (new double[2], 0.0))];
        MetricSample Of(int variant) => new([.. losses.Select(l => l.Nll[variant])], [.. losses.Select(l => l.Tokens)], Exponentiate: true);
        return (Of(0), Of(1));
    }

    /// <summary>Per case: 1 when the reward model prefers the candidate's answer, 0.5 on a tie, 0 when it prefers the baseline's.</summary>
    static MetricSample WinRate(IAnswerReward reward, int[] cases, CaseAnswer[] candidate, CaseAnswer[] baseline)
    {
        var answered = cases.Where(i => candidate[i].Prompt is not null).ToArray();
        var scores = reward.Score([.. answered.SelectMany(i => new[] { (candidate[i].PromptTokens, candidate[i].Tokens), (baseline[i].PromptTokens, baseline[i].Tokens) })]);
        var wins = answered.Select((_, k) => scores[2 * k].CompareTo(scores[2 * k + 1]) switch { > 0 => 1.0, 0 => 0.5, _ => 0.0 }).ToArray();
        return new MetricSample(wins, [.. wins.Select(_ => 1.0)]);
    }

    static MetricResult NotMeasured(MetricThreshold threshold, string reason) =>
        new(threshold.Metric, 0, 0, new Interval(0, 0), null, null, null, threshold, Passed: true, reason);

    MetricSample Divergence(ModelMeasures measures, int[] cases, CaseAnswer[] answers)
    {
        var values = cases.Select(i => answers[i].Tokens.Count == 0
            ? (0.0, 0.0)
            : (measures.AnswerKl(answers[i].PromptTokens, answers[i].Tokens, subject.Candidate, subject.Baseline), 1.0)).ToArray();
        return new MetricSample([.. values.Select(v => v.Item1)], [.. values.Select(v => v.Item2)]);
    }
}
