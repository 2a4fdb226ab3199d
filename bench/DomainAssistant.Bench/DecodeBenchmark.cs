using System.Diagnostics;
using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Bench;

/// <summary>One model and dtype: prefill tokens/s, decode tokens/s at batch 1 and 8 through the generation engine.</summary>
public static class DecodeBenchmark
{
    public sealed record Result(string Model, string DType, long Parameters, int Threads, double PrefillTokensPerSecond,
        double Decode1TokensPerSecond, double Decode8TokensPerSecond, double PeakMemoryMiB);

    public static async Task<Result> RunAsync(string modelName, ScalarType dtype, int decodeTokens)
    {
        using var model = BenchModels.Load(modelName);
        if (dtype != ScalarType.Float32) model.to(dtype);
        long parameters = model.parameters().Sum(p => p.NumberOfElements);
        int threads = DecodeThreads.Apply(0, model); // as `da generate` does by default
        int prompt = Math.Min(128, model.Config.MaxPositionEmbeddings / 2);
        int tokens = Math.Min(decodeTokens, model.Config.MaxPositionEmbeddings - prompt - 1);

        double prefill = Prefill(model, prompt);
        double decode1 = await DecodeAsync(model, batch: 1, prompt: 8, tokens);
        double decode8 = await DecodeAsync(model, batch: 8, prompt: 8, tokens);
        return new Result(modelName, dtype.ToString(), parameters, threads, prefill, decode1, decode8, PeakMemory.MiB());
    }

    static double Prefill(LlamaForCausalLM model, int length)
    {
        using var cache = model.NewKvCache(1, length);
        using var ids = randint(model.Config.VocabSize, [1, length], dtype: ScalarType.Int64);
        double best = 0;
        for (int run = 0; run < 4; run++)
        {
            cache.Clear(0);
            var watch = Stopwatch.StartNew();
            model.Forward(ids, cache, [0], lastPositionOnly: true).Dispose();
            if (run > 0) best = Math.Max(best, length / watch.Elapsed.TotalSeconds); // run 0 warms up
        }
        return best;
    }

    /// <summary>Rounds of <see cref="DecodeAsync"/>; the best is kept, as for prefill: on this shared machine a single
    /// round of a small model (0.1-0.3 s) moves by 15% with whatever else runs, and both batch sizes get the same rounds.</summary>
    const int DecodeRounds = 3;

    /// <summary>Aggregate generated tokens/s of <paramref name="batch"/> concurrent greedy requests, the best of <see cref="DecodeRounds"/>.</summary>
    static async Task<double> DecodeAsync(LlamaForCausalLM model, int batch, int prompt, int tokens)
    {
        await using var engine = new GenerationEngine(model, maxBatch: batch, contextLength: prompt + tokens + 1);
        var random = new Random(batch);
        TokenRequest Request() => new(Enumerable.Range(0, prompt).Select(_ => random.Next(model.Config.VocabSize)).ToArray(), SamplingOptions.Greedy(tokens));

        await CountAsync(engine, Request()); // warm-up
        double best = 0;
        for (int round = 0; round < DecodeRounds; round++)
        {
            var watch = Stopwatch.StartNew();
            var counts = await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => CountAsync(engine, Request())));
            best = Math.Max(best, counts.Sum() / watch.Elapsed.TotalSeconds);
        }
        return best;
    }

    static async Task<int> CountAsync(GenerationEngine engine, TokenRequest request)
    {
        int count = 0;
        await foreach (var item in engine.GenerateAsync(request))
            if (item.Token is not null) count++;
        return count;
    }
}
