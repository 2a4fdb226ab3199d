using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Threading;
using static TorchSharp.torch;

namespace DomainAssistant.Bench;

/// <summary>
/// What serving two adapters in one batch costs (issue 18: an A/B test decodes control and treatment together).
/// Batch-8 greedy decode through the generation engine, in three ways: the base model with no adapter loaded (the
/// reference), every request on one adapter, and requests alternating between two adapters (through the decoding
/// kernel's serving copies, and through the gather-and-scatter path trainers' adapters take). The adapters target every
/// linear layer, at the bootstrap's rank (64) and at rank 16 (a common rank for larger models, where 64 is a far
/// smaller share of the layer's width than on these shapes). Rounds of the three alternate, as in <see cref="DecodeBenchmark"/>,
/// and each ratio is the median over rounds of that round's tokens/s over the base round just before it.
/// <code>adapters [stories260K] [llama2c-15M] [llama2c-110M]</code> (default: stories260K and llama2c-15M)
/// </summary>
public static class MultiAdapterBenchmark
{
    const int Batch = 8, Prompt = 8, Tokens = 128;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        OpenMpWaitPolicy.UsePassiveUnlessSet();
        var models = args.Count > 0 ? args : ["stories260K", "llama2c-15M"];
        var table = new Table("model", "adapter rank", "threads", "base b8 tok/s", "one adapter b8 tok/s", "two adapters mixed b8 tok/s",
            "one adapter / base", "mixed / base", "mixed, gather-scatter / base", "mixed within 20% of base");
        foreach (var name in models)
        foreach (var rank in new[] { 64, 16 })
        {
            var result = await MeasureAsync(name, rank);
            table.Add(name, result.Rank, result.Threads, result.Base, result.One, result.Mixed, result.OneOverBase, result.MixedOverBase,
                result.GatherOverBase, result.MixedOverBase >= 0.8 ? "yes" : "NO");
        }
        Console.WriteLine($"## Multi-adapter batches (batch {Batch}, greedy, {Tokens} tokens a request, paired rounds)\n");
        Console.WriteLine(table);
        return 0;
    }

    sealed record Result(int Rank, int Threads, double Base, double One, double Mixed, double OneOverBase, double MixedOverBase, double GatherOverBase);

    static async Task<Result> MeasureAsync(string name, int rank)
    {
        // The same weights twice: one model stays bare, the other carries the two adapters.
        manual_seed(1);
        using var bare = BenchModels.Load(name);
        manual_seed(1);
        using var adapted = BenchModels.Load(name);
        var lora = new LoraConfig { R = rank, LoraAlpha = 2 * rank, TargetModules = LoraTargets.AllLinear };
        adapted.AddAdapter("control", lora, seed: 1);
        adapted.AddAdapter("treatment", lora, seed: 2);
        // The same adapters with their parameters handed out, as a trainer's are: mixed batches take the
        // gather-and-scatter path (docs/modeling.md, "Batches that mix adapters"), measured beside the stacked one.
        manual_seed(1);
        using var unfrozen = BenchModels.Load(name);
        unfrozen.AddAdapter("control", lora, seed: 1);
        unfrozen.AddAdapter("treatment", lora, seed: 2);
        _ = unfrozen.AdapterParameters("control").Count() + unfrozen.AdapterParameters("treatment").Count();
        var threads = DecodeThreads.Apply(0, bare);
        DecodeThreads.Apply(0, adapted);
        DecodeThreads.Apply(0, unfrozen);

        var context = Prompt + Tokens + 1;
        await using var baseEngine = new GenerationEngine(bare, Batch, context);
        await using var adaptedEngine = new GenerationEngine(adapted, Batch, context);
        await using var unfrozenEngine = new GenerationEngine(unfrozen, Batch, context);
        var random = new Random(8);
        var vocabulary = bare.Config.VocabSize;
        var turn = 0;
        TokenRequest Request(string? adapter) =>
            new([.. Enumerable.Range(0, Prompt).Select(_ => random.Next(vocabulary))], SamplingOptions.Greedy(Tokens)) { Adapter = adapter };

        var rounds = new List<(double Base, double One, double Mixed, double Gather)>();
        for (var round = 0; round < DecodeBenchmark.WarmUpRounds + DecodeBenchmark.DecodeRounds; round++)
        {
            var plain = await DecodeBenchmark.RoundAsync(baseEngine, Batch, () => Request(null));
            var one = await DecodeBenchmark.RoundAsync(adaptedEngine, Batch, () => Request("control"));
            var mixed = await DecodeBenchmark.RoundAsync(adaptedEngine, Batch, () => Request(turn++ % 2 == 0 ? "control" : "treatment"));
            var gather = await DecodeBenchmark.RoundAsync(unfrozenEngine, Batch, () => Request(turn++ % 2 == 0 ? "control" : "treatment"));
            if (round >= DecodeBenchmark.WarmUpRounds) rounds.Add((plain.TokensPerSecond, one.TokensPerSecond, mixed.TokensPerSecond, gather.TokensPerSecond));
        }
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }
        return new Result(lora.R, threads, rounds.Max(r => r.Base), rounds.Max(r => r.One), rounds.Max(r => r.Mixed),
            Median(rounds.Select(r => r.One / r.Base)), Median(rounds.Select(r => r.Mixed / r.Base)), Median(rounds.Select(r => r.Gather / r.Base)));
    }
}
