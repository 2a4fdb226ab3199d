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
        double Decode1TokensPerSecond, double Decode8TokensPerSecond, double FirstToken8Ms, double PeakMemoryMiB);

    public static async Task<Result> RunAsync(string modelName, ScalarType dtype, int decodeTokens)
    {
        using var model = BenchModels.Load(modelName);
        if (dtype != ScalarType.Float32) model.to(dtype);
        long parameters = model.parameters().Sum(p => p.NumberOfElements);
        int threads = DecodeThreads.Apply(0, model); // as `da generate` does by default
        int prompt = Math.Min(128, model.Config.MaxPositionEmbeddings / 2);
        int tokens = Math.Min(decodeTokens, model.Config.MaxPositionEmbeddings - prompt - 1);

        double prefill = Prefill(model, prompt);
        var decode1 = await DecodeAsync(model, batch: 1, prompt: 8, tokens);
        var decode8 = await DecodeAsync(model, batch: 8, prompt: 8, tokens);
        return new Result(modelName, dtype.ToString(), parameters, threads, prefill, decode1.TokensPerSecond,
            decode8.TokensPerSecond, decode8.FirstTokenMs, PeakMemory.MiB());
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

    /// <summary>One batch's figures: aggregate decode tokens/s and the wait for every request's first token.</summary>
    readonly record struct DecodeRate(double TokensPerSecond, double FirstTokenMs);

    /// <summary>
    /// Aggregate tokens/s of <paramref name="batch"/> concurrent greedy requests once all of them are decoding, the best
    /// of <see cref="DecodeRounds"/>: tokens that arrive after the last request's first token, over the time from then to
    /// the last token. The prompts' prefill (and the first token it samples) is left out: it is the prefill column's
    /// measure, and a burst of 8 prompts is one 64-row prefill that would otherwise be charged to batch 8 alone
    /// (~5% of the 110M batch-8 round against ~1% of the batch-1 round). Its cost shows as the first-token wait.
    /// </summary>
    static async Task<DecodeRate> DecodeAsync(LlamaForCausalLM model, int batch, int prompt, int tokens)
    {
        await using var engine = new GenerationEngine(model, maxBatch: batch, contextLength: prompt + tokens + 1);
        var random = new Random(batch);
        TokenRequest Request() => new(Enumerable.Range(0, prompt).Select(_ => random.Next(model.Config.VocabSize)).ToArray(), SamplingOptions.Greedy(tokens));

        await ArrivalsAsync(engine, Request()); // warm-up
        var best = new DecodeRate(0, double.PositiveInfinity);
        for (int round = 0; round < DecodeRounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            var arrivals = await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => ArrivalsAsync(engine, Request())));
            long decoding = arrivals.Max(a => a[0]), end = arrivals.Max(a => a[^1]);
            int decoded = arrivals.Sum(a => a.Count(t => t > decoding));
            var rate = new DecodeRate(decoded / Stopwatch.GetElapsedTime(decoding, end).TotalSeconds,
                Stopwatch.GetElapsedTime(start, decoding).TotalMilliseconds);
            best = new DecodeRate(Math.Max(best.TokensPerSecond, rate.TokensPerSecond), Math.Min(best.FirstTokenMs, rate.FirstTokenMs));
        }
        return best;
    }

    /// <summary>When each token of <paramref name="request"/> arrived (Stopwatch timestamps).</summary>
    static async Task<List<long>> ArrivalsAsync(GenerationEngine engine, TokenRequest request)
    {
        var arrivals = new List<long>();
        await foreach (var item in engine.GenerateAsync(request))
            if (item.Token is not null) arrivals.Add(Stopwatch.GetTimestamp());
        return arrivals;
    }
}
