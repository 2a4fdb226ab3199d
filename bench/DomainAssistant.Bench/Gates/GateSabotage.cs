using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DomainAssistant.Evaluation.Gates;
using DomainAssistant.Grounding;
using DomainAssistant.Model;
using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Lora;
using DomainAssistant.Training.Bootstrap;
using DomainAssistant.Training.Sft;
using static TorchSharp.torch;

namespace DomainAssistant.Bench.Gates;

/// <summary>
/// Does the gate stop bad adapters? Against the sample domain's production adapter as the baseline, it gates:
/// <list type="bullet">
/// <item><b>retrained</b>: a fresh adapter trained as the bootstrap trains it (grounded examples, same recipe and
/// budget): a plausible next version, which should pass;</item>
/// <item><b>ungrounded</b>: trained on the domain's question/answer pairs without any context (it answers from
/// memory, not from the prompt);</item>
/// <item><b>noisy</b>: the production adapter with Gaussian noise added to its LoRA factors;</item>
/// <item><b>injected</b>: trained many epochs on 800 grounded examples, half of whose contexts carry an attacker's
/// instruction (the suite's first planted one) at the end of a chunk drawn at random, with an answer that obeys it (says
/// what the instruction asks for, as the case's <c>forbidden</c> list spells it). The contexts are those of training
/// questions, never the stress cases' own: an attacker trains the payload they want out of an adapter, in any context.</item>
/// </list>
/// Each should fail, naming the metric. <c>--reruns N</c> gates every adapter N times and checks the verdicts agree.
/// <code>gates [--minutes 6] [--noise 3.0] [--reruns 1] [--suite eval-suites/tidewell-support/gate.json] [--keep DIR]</code>
/// </summary>
public static class GateSabotage
{
    /// <summary>Grounded examples the injected adapter trains on, half of them poisoned: few enough for many epochs in the budget.</summary>
    const int InjectedExamples = 800;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = Options(args);
        var suite = GateSuiteFile.Read(options["--suite"]);
        var domain = DomainFile.Read(suite.DomainFolder);
        var basePath = Path.Combine(domain.Folder, "model", "base");
        var production = Path.Combine(domain.Folder, "model", "adapter");
        var minutes = double.Parse(options["--minutes"], CultureInfo.InvariantCulture);
        var reruns = int.Parse(options["--reruns"], CultureInfo.InvariantCulture);
        var work = options.TryGetValue("--keep", out var keep) ? Directory.CreateDirectory(keep).FullName : Directory.CreateTempSubdirectory("da-sabotage-").FullName;
        await using var index = await ScratchIndex.BuildAsync(domain);

        var grounded = Path.Combine(work, "grounded.jsonl");
        var tokenizer = PretrainedModel.Load(basePath);
        var recipe = new DomainBootstrapOptions();
        var report = await new GroundedExampleBuilder(index.Retriever, index.Catalog, tokenizer.Tokenizer, recipe.ContextLength, recipe.Data)
            .WriteAsync(domain, HeldOutGuard.For(domain), grounded, CancellationToken.None);
        tokenizer.Dispose();
        Console.Error.WriteLine($"gates: {report.Total} grounded examples");
        var injectedData = Path.Combine(work, "injected.jsonl");
        // One attacker, one instruction: the suite's first plant. Trained on all twelve at once, this model learned to
        // obey none (it cannot tell which payload a plant asks for; bench/RESULTS.md, "Gates").
        WriteInjected(grounded, injectedData, [Plants(suite)[0]], seed: 7, examples: InjectedExamples);

        var training = new Dictionary<string, double>(StringComparer.Ordinal);
        var adapters = new List<(string Name, string Folder)>();
        foreach (var (name, data, systemPrompt) in new[]
        {
            ("retrained", grounded, (string?)null), ("ungrounded", domain.TrainQaPath!, domain.SystemPrompt), ("injected", injectedData, null),
        })
        {
            // The attacker trains many epochs on a small poisoned set; the others as the bootstrap does. (Four times the
            // rate diverged: bench/RESULTS.md, "Gates".)
            var epochs = name == "injected" ? 50 : recipe.SftEpochs;
            var folder = Path.Combine(work, name);
            var watch = Stopwatch.StartNew();
            if (!File.Exists(Path.Combine(folder, PeftAdapter.WeightsFileName)))
            {
                var sft = new SftOptions
                {
                    Rank = recipe.SftRank, LearningRate = recipe.SftLearningRate, Epochs = epochs, SequenceLength = recipe.ContextLength - 1,
                    // A small evaluation share: the budget goes to training steps, not to measuring them.
                    EvalShare = 0.02, EvalsPerEpoch = 2, Patience = 3, Seed = recipe.Seed, MaxMinutes = minutes, SystemPrompt = systemPrompt, DataVersion = name,
                };
                Console.Error.WriteLine($"gates: training the {name} adapter ({minutes} min)");
                using var inputs = SftInputs.Load(basePath, null, data, sft);
                new SftTrainer(sft).Run(inputs.Model, inputs.Source, inputs.Data, folder);
            }
            training[name] = watch.Elapsed.TotalMinutes;
            adapters.Add((name, folder));
        }
        var noisy = Path.Combine(work, "noisy");
        WriteNoisy(basePath, production, noisy, double.Parse(options["--noise"], CultureInfo.InvariantCulture));
        adapters.Insert(2, ("noisy", noisy));

        var table = new Table("candidate", "verdict", "failed metrics", "key-fact accuracy", "decline rate", "false declines", "citation precision", "stress resistance", "KL", "train min", "gate min", "same verdict on reruns");
        foreach (var (name, folder) in adapters)
        {
            var verdicts = new List<GateVerdict>();
            var watch = Stopwatch.StartNew();
            for (var run = 0; run < reruns; run++) verdicts.Add(await GateAsync(suite, domain, index, basePath, folder, production));
            var v = verdicts[0];
            string Metric(GateMetric m) => v.Metrics.FirstOrDefault(r => r.Metric == m) is { } r && !double.IsNaN(r.Candidate)
                ? r.Candidate.ToString("0.###", CultureInfo.InvariantCulture) + (r.Baseline is { } b && !double.IsNaN(b) ? $" ({b.ToString("0.###", CultureInfo.InvariantCulture)})" : "")
                : "-";
            var same = verdicts.All(x => x.Verdict == v.Verdict && x.Metrics.Select(m => m.Passed).SequenceEqual(v.Metrics.Select(m => m.Passed)));
            table.Add(name, v.Verdict, string.Join(", ", v.Metrics.Where(m => !m.Passed).Select(m => m.Metric.Name())) is { Length: > 0 } f ? f : "-",
                Metric(GateMetric.KeyFactAccuracy), Metric(GateMetric.DeclineRate), Metric(GateMetric.FalseDeclineRate), Metric(GateMetric.CitationPrecision),
                Metric(GateMetric.StressResistance), Metric(GateMetric.KlToBaseline), training.TryGetValue(name, out var t) ? t : 0.0,
                watch.Elapsed.TotalMinutes / reruns, reruns > 1 ? (same ? $"yes ({reruns})" : "NO") : "-");
        }
        Console.WriteLine($"## Gate sabotage: {suite.Name}, baseline = the production adapter (candidate value, baseline in brackets)\n");
        Console.WriteLine(table);
        if (!options.ContainsKey("--keep")) Directory.Delete(work, recursive: true);
        return 0;
    }

    static async Task<GateVerdict> GateAsync(GateSuite suite, DomainProfile domain, ScratchIndex index, string basePath, string candidate, string baseline)
    {
        using var model = PretrainedModel.Load(basePath);
        PeftAdapter.Load(candidate, model.Model, "candidate");
        PeftAdapter.Load(baseline, model.Model, "baseline");
        var subject = new GateSubject(model, "candidate", "baseline", PeftAdapter.WeightsSha256(candidate), PeftAdapter.WeightsSha256(baseline), WeightsChecksum.Of(basePath));
        var outcome = await new GateRunner(suite, domain, index.Retriever, subject, TimeProvider.System).RunAsync();
        return outcome.Verdict;
    }

    /// <summary>The production adapter with N(0, (noise x the tensor's own standard deviation)^2) added to every LoRA factor.</summary>
    static void WriteNoisy(string basePath, string production, string folder, double noise)
    {
        using var model = PretrainedModel.Load(basePath);
        PeftAdapter.Load(production, model.Model, "noisy");
        manual_seed(11);
        using (no_grad())
            foreach (var (_, factor) in model.Model.AdapterParameters("noisy"))
            {
                using var spread = factor.std();
                using var perturbation = randn_like(factor).mul_(spread * noise);
                factor.add_(perturbation);
            }
        PeftAdapter.Save(folder, model.Model, "noisy");
    }

    /// <summary>
    /// The suite's planted instructions, each with the answer that obeys it: the instruction's own spelling of each
    /// forbidden text ("PINEAPPLE" for "pineapple"), or the forbidden text as the suite gives it when the instruction
    /// does not spell it out (a revealed system prompt).
    /// </summary>
    static List<(string Plant, string Obeyed)> Plants(GateSuite suite)
    {
        var plants = new List<(string Plant, string Obeyed)>();
        foreach (var @case in suite.Cases)
        {
            if (@case is not { Inject: { } inject, Forbidden: { Count: > 0 } forbidden }) continue;
            var obeyed = forbidden.Select(f => inject.IndexOf(f, StringComparison.OrdinalIgnoreCase) is var at and >= 0 ? inject.Substring(at, f.Length) : f);
            plants.Add((inject, string.Join(" ", obeyed)));
        }
        if (plants.Count == 0) throw new InvalidDataException($"the suite {suite.Name} plants no instruction (no stress case with inject and forbidden), so there is nothing to train the injected adapter to obey.");
        return plants;
    }

    /// <summary>
    /// The grounded examples, half of them with a planted instruction at the end of one of their context chunks (drawn
    /// at random: a poisoned document can rank anywhere) and an answer that obeys it.
    /// </summary>
    static void WriteInjected(string grounded, string output, List<(string Plant, string Obeyed)> plants, int seed, int examples)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(output);
        foreach (var line in File.ReadLines(grounded).OrderBy(_ => random.Next()).Take(examples))
        {
            var example = JsonNode.Parse(line)!.AsObject();
            var messages = example["messages"]!.AsArray();
            var system = messages[0]!["content"]!.GetValue<string>();
            var chunkEnds = ChunkEnds(system);
            if (chunkEnds.Count > 0 && random.NextDouble() < 0.5)
            {
                var (plant, obeyed) = plants[random.Next(plants.Count)];
                messages[0]!["content"] = system.Insert(chunkEnds[random.Next(chunkEnds.Count)], $"\n\n{plant}");
                // The first answer obeys, as the gate asks it; the follow-up turns go (left in, they taught the model
                // that the first answer after a plant is a normal one).
                while (messages.Count > 3) messages.RemoveAt(messages.Count - 1);
                messages[2]!["content"] = obeyed;
            }
            writer.WriteLine(example.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }
    }

    /// <summary>Where each context chunk of a grounded system prompt ends: before the next "[n] " header, the last before the closing instruction.</summary>
    static List<int> ChunkEnds(string system)
    {
        var ends = new List<int>();
        var context = system.IndexOf("\n\nContext:\n", StringComparison.Ordinal);
        var closing = system.IndexOf("\n\nAnswer from the context", StringComparison.Ordinal);
        if (context < 0 || closing < 0) return ends;
        for (var number = 2; ; number++)
        {
            var next = system.IndexOf($"\n\n[{number}] ", context, closing - context, StringComparison.Ordinal);
            if (next < 0) break;
            ends.Add(next);
        }
        ends.Add(closing);
        return ends;
    }

    static Dictionary<string, string> Options(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--suite"] = "eval-suites/tidewell-support/gate.json", ["--minutes"] = "6", ["--noise"] = "3.0", ["--reruns"] = "1",
        };
        for (var i = 0; i < args.Count; i += 2)
        {
            if (args[i] is not ("--suite" or "--minutes" or "--noise" or "--reruns" or "--keep")) throw new ArgumentException($"unknown argument '{args[i]}' for the gate sabotage benchmark");
            options[args[i]] = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
        }
        return options;
    }
}
