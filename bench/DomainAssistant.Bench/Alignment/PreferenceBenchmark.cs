using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DomainAssistant.Alignment.Encoding;
using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Alignment.Kto;
using DomainAssistant.Alignment.Policy;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Alignment.RewardModeling;
using DomainAssistant.Alignment.Rloo;
using DomainAssistant.Model;
using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Lora;
using static TorchSharp.torch;

namespace DomainAssistant.Bench.Alignment;

/// <summary>
/// The synthetic preference benchmark of issue 16: a simulated rater with a hidden rule (an answer of at most W words
/// is voted up, a longer one down; W is the median length of the production adapter's own sampled answers, so half
/// of them pass and the rule is neither trivial nor out of reach) rates sampled answers of the shipped tidewell model.
/// From those votes: a reward model (held-out accuracy on other questions' answers), KTO, and RLOO at several KL
/// coefficients; each adapter is then sampled on held-out questions and measured by the gold rule, the reward model
/// and its KL to the production adapter. The RLOO rows (every KL coefficient with every iteration count) sorted by KL
/// are the over-optimisation curve.
/// <code>alignment [--train-prompts 48] [--heldout-prompts 16] [--samples 4] [--iterations 4,16] [--betas 0.2,0.05,0] [--max-new-tokens 48] [--keep DIR]</code>
/// </summary>
public static class PreferenceBenchmark
{
    const string ModelFolder = "domains/tidewell-support/model";
    const int MaxLength = 256;

    public static async Task<int> RunAsync(string[] args)
    {
        DomainAssistant.Model.Threading.OpenMpWaitPolicy.UsePassiveUnlessSet(); // before libtorch loads
        var options = Options(args);
        int Int(string key) => int.Parse(options[key], CultureInfo.InvariantCulture);
        var (trainCount, heldCount, samples, maxNew) = (Int("--train-prompts"), Int("--heldout-prompts"), Int("--samples"), Int("--max-new-tokens"));
        int[] schedules = [.. options["--iterations"].Split(',').Select(i => int.Parse(i, CultureInfo.InvariantCulture))];
        double[] betas = [.. options["--betas"].Split(',').Select(b => double.Parse(b, CultureInfo.InvariantCulture))];
        var basePath = Path.GetFullPath(Path.Combine(ModelFolder, "base"));
        var production = Path.GetFullPath(Path.Combine(ModelFolder, "adapter"));
        var work = options.TryGetValue("--keep", out var keep) ? Directory.CreateDirectory(keep).FullName : Directory.CreateTempSubdirectory("da-prefbench-").FullName;
        var train = Questions("domains/tidewell-support/qa/train.jsonl", trainCount);
        var held = Questions("domains/tidewell-support/qa/heldout.jsonl", heldCount);
        var sampling = new SamplingOptions { Temperature = 1f, MaxTokens = maxNew };
        var total = Stopwatch.StartNew();

        // 1. The production adapter's answers, rated by the hidden rule.
        var watch = Stopwatch.StartNew();
        IReadOnlyList<IReadOnlyList<SampledAnswer>> trainAnswers, heldAnswers;
        using (var model = PretrainedModel.Load(basePath))
        {
            var name = model.LoadAdapter(production);
            var tokens = new AlignmentTokens(model.Tokenizer, MaxLength);
            var stops = tokens.StopTokens(model.StopTokens);
            trainAnswers = await AnswerSampler.SampleAsync(model.Model, name, tokens, [.. train.Select(tokens.Prompt)], samples, sampling, stops, 11, 16);
            heldAnswers = await AnswerSampler.SampleAsync(model.Model, name, tokens, [.. held.Select(tokens.Prompt)], 2, sampling, stops, 12, 16);
        }
        var lengths = trainAnswers.SelectMany(g => g).Select(a => Words(a.Text)).Order().ToList();
        var limit = lengths[lengths.Count / 2];
        bool Gold(string answer) => Words(answer) is > 0 and var n && n <= limit;
        var votesPath = Path.Combine(work, "votes.jsonl");
        var heldVotesPath = Path.Combine(work, "heldout-votes.jsonl");
        FeedbackFile.Write(votesPath, Votes(train, trainAnswers, Gold));
        FeedbackFile.Write(heldVotesPath, Votes(held, heldAnswers, Gold));
        var sampledSeconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"sampled {lengths.Count} training answers in {sampledSeconds:F0} s; rule: at most {limit} words");

        // 2. Reward model, KTO, RLOO at each KL coefficient.
        var rows = new List<(string Method, string Folder, double Seconds)>();
        watch.Restart();
        var rewardPath = Path.Combine(work, "reward-model");
        var rmOptions = new RewardModelOptions { Epochs = 2, MaxLength = MaxLength };
        RewardModelSummary rm;
        using (var inputs = FeedbackInputs.Load(basePath, production, votesPath, heldVotesPath, rmOptions.Preferences))
            rm = new RewardModelTrainer(rmOptions).Run(inputs.Start, inputs.Feedback, inputs.HeldOut, rewardPath);
        var rmSeconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"reward model: held-out accuracy {rm.HeldoutAccuracyBefore:P1} -> {rm.HeldoutAccuracy:P1} in {rmSeconds:F0} s");

        watch.Restart();
        var ktoOptions = new KtoOptions { Epochs = 1, MaxLength = MaxLength };
        KtoSummary kto;
        using (var inputs = FeedbackInputs.Load(basePath, production, votesPath, null, ktoOptions.Preferences))
            kto = new KtoTrainer(ktoOptions).Run(inputs.Start, inputs.Feedback, Path.Combine(work, "kto"));
        rows.Add(("KTO (β 0.1, 1 epoch)", kto.Output, watch.Elapsed.TotalSeconds));
        Console.Error.WriteLine($"kto: {kto.Steps} steps in {watch.Elapsed.TotalSeconds:F0} s");

        var promptsPath = Path.Combine(work, "prompts.jsonl");
        File.WriteAllLines(promptsPath, train.Select(q => JsonSerializer.Serialize(new { prompt = q })));
        foreach (var beta in betas)
        foreach (var iterations in schedules)
        {
            watch.Restart();
            using var inputs = RlooInputs.Load(basePath, production, rewardPath, promptsPath);
            var rl = new RlooTrainer(new RlooOptions
            {
                KlCoefficient = beta, Iterations = iterations, SamplesPerPrompt = samples, MaxNewTokens = maxNew, MaxLength = MaxLength, CitationPenalty = 0,
                HeldOutShare = 0.05,
            }).Run(inputs.Start, inputs.RewardModel, inputs.Prompts, Path.Combine(work, FormattableString.Invariant($"rloo-{beta}-{iterations}")));
            rows.Add((FormattableString.Invariant($"RLOO (β {beta}, {iterations} iterations)"), rl.Output, watch.Elapsed.TotalSeconds));
            Console.Error.WriteLine($"rloo β {beta}, {iterations} iterations: {rl.StopReason} in {watch.Elapsed.TotalSeconds:F0} s (generation {rl.GenerationSeconds:F0} s, optimisation {rl.OptimisationSeconds:F0} s)");
        }

        // 3. Every adapter sampled on the held-out questions (same seeds), measured three ways.
        var results = new Table("adapter", "gold rule rate (held-out)", "reward-model score", "KL to production (nats/answer)", "training wall time (s)");
        using (var model = PretrainedModel.Load(basePath))
        {
            PeftAdapter.Load(production, model.Model, "production");
            using var reward = RewardModelFolder.Load(rewardPath, model.Model, "reward");
            var tokens = new AlignmentTokens(model.Tokenizer, MaxLength);
            var stops = tokens.StopTokens(model.StopTokens);
            int[][] prompts = [.. held.Select(tokens.Prompt)];
            var measured = new List<(string Method, double Gold, double Score, double Kl, double Seconds)>();
            foreach (var (method, folder, seconds) in rows.Prepend(("production (reference)", production, 0.0)))
            {
                var name = folder == production ? "production" : $"candidate-{measured.Count}";
                if (name != "production") PeftAdapter.Load(folder, model.Model, name);
                var answers = (await AnswerSampler.SampleAsync(model.Model, name, tokens, prompts, 4, sampling, stops, 13, 16)).SelectMany(g => g).ToList();
                var sequences = answers.Select(a => a.Sequence).ToList();
                var scores = reward.Score(sequences, tokens.PadId);
                var kl = Kl(model, name, sequences, tokens.PadId);
                measured.Add((method, answers.Average(a => Gold(a.Text) ? 1.0 : 0.0), scores.Average(), kl, seconds));
            }
            foreach (var m in measured) results.Add(m.Method, m.Gold.ToString("P0", CultureInfo.InvariantCulture), m.Score, m.Kl, m.Seconds);
            var curve = new Table("RLOO run", "KL to production", "gold rule rate", "reward-model score");
            foreach (var m in measured.Where(m => m.Method.StartsWith("RLOO", StringComparison.Ordinal)).OrderBy(m => m.Kl))
                curve.Add(m.Method, m.Kl, m.Gold.ToString("P0", CultureInfo.InvariantCulture), m.Score);
            Console.WriteLine($"## Synthetic preferences (hidden rule: an answer of at most {limit} words; {train.Count} training and {held.Count} held-out questions)\n");
            Console.WriteLine(FormattableString.Invariant(
                $"Reward model: held-out accuracy {rm.HeldoutAccuracyBefore:P1} before, {rm.HeldoutAccuracy:P1} after (AUC {rm.HeldoutAuc:F3}, ECE {rm.Ece:F3}; {rm.TrainExamples} training votes, {rm.HeldoutExamples} held out), {rmSeconds:F0} s. Sampling the votes: {sampledSeconds:F0} s. Whole run: {total.Elapsed.TotalMinutes:F1} min.\n"));
            Console.WriteLine(results);
            Console.WriteLine("Over-optimisation (RLOO runs by KL):\n");
            Console.WriteLine(curve);
        }
        Console.Error.WriteLine($"files in {work}");
        return 0;
    }

    /// <summary>Mean Σ_t log π_adapter − log π_production over each answer's tokens.</summary>
    static double Kl(PretrainedModel model, string adapter, List<ScoredSequence> sequences, int padId)
    {
        if (adapter == "production") return 0;
        using var noGrad = no_grad();
        var total = 0.0;
        foreach (var chunk in sequences.Chunk(8))
        {
            using var batch = new SequenceBatch(chunk, padId);
            using var policy = TokenLogProbs.Sum(model.Model, adapter, batch);
            using var reference = TokenLogProbs.Sum(model.Model, "production", batch);
            using var difference = policy - reference;
            total += difference.sum().item<float>();
        }
        return total / sequences.Count;
    }

    static IEnumerable<FeedbackVote> Votes(IReadOnlyList<string> questions, IReadOnlyList<IReadOnlyList<SampledAnswer>> answers, Func<string, bool> gold) =>
        questions.SelectMany((q, i) => answers[i].Select((a, j) => new FeedbackVote
        {
            Prompt = q, Response = a.Text, IsUp = gold(a.Text), FeedbackId = $"{i}-{j}-{q.GetHashCode(StringComparison.Ordinal):x}", MessageId = $"{i}-{j}",
        })).Where(v => !string.IsNullOrWhiteSpace(v.Response));

    static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    static List<string> Questions(string path, int count) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Take(count).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("question").GetString()!)];

    static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--train-prompts"] = "48", ["--heldout-prompts"] = "16", ["--samples"] = "4", ["--iterations"] = "4", ["--betas"] = "0.2,0.05,0",
            ["--max-new-tokens"] = "48",
        };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected an option, got \"{args[i]}\"");
            options[args[i]] = args[i + 1];
        }
        return options;
    }
}
