using System.Diagnostics;
using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Bench;

/// <summary>One model and dtype: prefill tokens/s, decode tokens/s at batch 1 and 8 through the generation engine.</summary>
public static class DecodeBenchmark
{
    /// <summary>One case's figures; Decode8Over1 is the median over rounds of batch 8's tokens/s over the batch-1 round just before it.</summary>
    public sealed record Result(string Model, string DType, long Parameters, int Threads, double PrefillTokensPerSecond,
        double Decode1TokensPerSecond, double Decode8TokensPerSecond, double Decode8Over1, double FirstToken8Ms, double PeakMemoryMiB);

    public static async Task<Result> RunAsync(string modelName, ScalarType dtype, int decodeTokens)
    {
        using var model = BenchModels.Load(modelName);
        if (dtype != ScalarType.Float32) model.to(dtype);
        long parameters = model.parameters().Sum(p => p.NumberOfElements);
        int threads = DecodeThreads.Apply(0, model); // as `da generate` does by default
        int prompt = Math.Min(128, model.Config.MaxPositionEmbeddings / 2);
        int tokens = Math.Min(decodeTokens, model.Config.MaxPositionEmbeddings - prompt - 1);

        double prefill = Prefill(model, prompt);
        var decode = await DecodeAsync(model, prompt: 8, tokens);
        return new Result(modelName, dtype.ToString(), parameters, threads, prefill, decode.Batch1TokensPerSecond,
            decode.Batch8TokensPerSecond, decode.Batch8Over1, decode.Batch8FirstTokenMs, PeakMemory.MiB());
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

    /// <summary>
    /// Rounds of each batch size. On this shared machine a round of a small model (0.1-0.3 s) moves by 15% or more with
    /// whatever else runs, and the neighbours' load drifts over a minute: the batch sizes alternate round by round,
    /// each keeps its best round, and the ratio is the median of each batch-8 round over the batch-1 round just
    /// before it (both under the same load), not a quotient of figures taken a minute apart.
    /// </summary>
    internal const int DecodeRounds = 5;

    /// <summary>Rounds of each batch size run first and not counted: tiered compilation promotes the hot loops only
    /// after ~100 ms of calls, and a round of stories260K is 60 ms.</summary>
    internal const int WarmUpRounds = 2;

    /// <summary>Decode figures of one model: best rounds, the paired ratio, and batch 8's wait for its first tokens.</summary>
    readonly record struct Decoding(double Batch1TokensPerSecond, double Batch8TokensPerSecond, double Batch8Over1, double Batch8FirstTokenMs);

    /// <summary>One round of one batch size (see <see cref="RoundAsync"/>).</summary>
    internal readonly record struct Round(double TokensPerSecond, double FirstTokenMs);

    static async Task<Decoding> DecodeAsync(LlamaForCausalLM model, int prompt, int tokens)
    {
        await using var single = new GenerationEngine(model, maxBatch: 1, contextLength: prompt + tokens + 1);
        await using var eight = new GenerationEngine(model, maxBatch: 8, contextLength: prompt + tokens + 1);
        var random = new Random(8);
        TokenRequest Request() => new(Enumerable.Range(0, prompt).Select(_ => random.Next(model.Config.VocabSize)).ToArray(), SamplingOptions.Greedy(tokens));

        var ones = new List<Round>();
        var eights = new List<Round>();
        for (int round = 0; round < WarmUpRounds + DecodeRounds; round++)
        {
            var one = await RoundAsync(single, 1, Request);
            var many = await RoundAsync(eight, 8, Request);
            if (round < WarmUpRounds) continue;
            ones.Add(one);
            eights.Add(many);
        }
        var ratios = ones.Zip(eights, (one, many) => many.TokensPerSecond / one.TokensPerSecond).Order().ToList();
        return new Decoding(ones.Max(r => r.TokensPerSecond), eights.Max(r => r.TokensPerSecond), ratios[ratios.Count / 2],
            eights.Min(r => r.FirstTokenMs));
    }

    /// <summary>
    /// Aggregate tokens/s of <paramref name="batch"/> concurrent greedy requests once all of them are decoding: tokens
    /// that arrive after the last request's first token, over the time from then to the last token. The prompts'
    /// prefill (and the first token it samples) is left out: it is the prefill column's measure, and a burst of 8
    /// prompts is one 64-row prefill that would otherwise be charged to batch 8 alone (~7% of the 110M fp32 batch-8
    /// round against ~1% of the batch-1 round). Its cost shows as the first-token wait.
    /// </summary>
    internal static async Task<Round> RoundAsync(GenerationEngine engine, int batch, Func<TokenRequest> request)
    {
        long start = Stopwatch.GetTimestamp();
        var arrivals = await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => ArrivalsAsync(engine, request())));
        long decoding = arrivals.Max(a => a[0]), end = arrivals.Max(a => a[^1]);
        int decoded = arrivals.Sum(a => a.Count(t => t > decoding));
        return new Round(decoded / Stopwatch.GetElapsedTime(decoding, end).TotalSeconds, Stopwatch.GetElapsedTime(start, decoding).TotalMilliseconds);
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
