using System.Diagnostics;
using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Pretraining;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Bench;

/// <summary>
/// Training throughput of one job ("base" pretraining or "sft" LoRA) at one model size and dtype, with its model
/// FLOPs utilisation against the matmul peak measured in the same process, just before and just after the timed steps.
/// </summary>
/// <remarks>
/// Model FLOPs per token (PaLM, appendix B): pretraining 6N + 12 L T d, with N the parameters that take part in a
/// matrix product (every projection and the tied head; the embedding lookup is free). LoRA SFT does no weight
/// gradients for the frozen base, so 4N + 12 L T d + 6 N_lora. Attention counts the full T x T products, as the
/// masked kernel computes them. MFU = tokens/s x FLOPs per token / peak matmul FLOP/s of the same dtype. The machine is
/// shared, so both sides are best-of: the fastest of the timed steps, and the best matmul of the peak measurements.
/// </remarks>
public static class TrainingBenchmark
{
    public sealed record Result(string Job, string Size, string DType, long Parameters, long Trainable, int Rows, int Length,
        double TokensPerSecond, double ModelGflops, double PeakGflops, double Mfu, double PeakMemoryMiB);

    const int Vocab = 4096;
    const int Rows = 16;
    const int Length = 256;
    const int WarmupSteps = 2;
    const int TimedSteps = 4;

    public static Result Run(string job, string size, ScalarType dtype)
    {
        var config = ModelSizes.For(size, Vocab, 512, 0, 2);
        using var model = LlamaForCausalLM.Create(config);
        ModelInitialisation.Apply(model, 1);
        long parameters = model.parameters().Sum(p => p.NumberOfElements);
        if (job == "sft") model.AddAdapter("bench", new LoraConfig { R = 16, LoraAlpha = 32, TargetModules = LoraTargets.AllLinear }, 1);
        var trainable = job == "sft" ? model.AdapterParameters("bench") : model.named_parameters().Select(p => (p.name, p.parameter));
        var masters = trainable.ToDictionary(p => p.Item1, p => p.Item2.detach().clone());
        if (dtype != ScalarType.Float32) model.to(dtype);
        trainable = job == "sft" ? model.AdapterParameters("bench") : model.named_parameters().Select(p => (p.name, p.parameter));
        using var weights = TrainableWeights.Create(trainable, (_, p) => p.dim() == 2);
        using (no_grad()) foreach (var w in weights.Weights) w.Master.copy_(masters[w.Name]);
        using var optimizer = new AdamW(weights.Weights, new AdamWOptions());
        var data = new TokenCorpus([.. Enumerable.Range(0, 300_000).Select(i => (int)((i * 2654435761L) % Vocab))]);
        var random = new DataRandom(1);
        model.train();

        var peakBefore = MachineProfile.MatmulGflops(dtype);
        var best = double.PositiveInfinity;
        for (var step = 0; step < WarmupSteps + TimedSteps; step++)
        {
            var batch = data.Sample(random, Rows, Length);
            var watch = Stopwatch.StartNew();
            TrainingStep.Take(model, job == "sft" ? "bench" : null, [batch], weights, optimizer, 1e-4, 1.0, step + 1);
            if (step >= WarmupSteps) best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        var peak = Math.Max(peakBefore, MachineProfile.MatmulGflops(dtype));
        var tokensPerSecond = Rows * Length / best;
        var gflops = tokensPerSecond * FlopsPerToken(config, job, weights.Weights.Sum(w => w.Master.NumberOfElements)) / 1e9;
        return new Result(job, size, dtype == ScalarType.Float32 ? "fp32" : "bf16", parameters, weights.Weights.Sum(w => w.Master.NumberOfElements),
            Rows, Length, tokensPerSecond, gflops, peak, gflops / peak, PeakMemory.MiB());
    }

    /// <summary>Model FLOPs per trained token (see remarks).</summary>
    public static double FlopsPerToken(LlamaConfig c, string job, long loraParameters)
    {
        long attentionWidth = (long)c.NumAttentionHeads * c.HeadDim, kvWidth = (long)c.NumKeyValueHeads * c.HeadDim;
        long perLayer = c.HiddenSize * attentionWidth * 2 + c.HiddenSize * kvWidth * 2 + 3L * c.HiddenSize * c.IntermediateSize;
        double matmul = (double)perLayer * c.NumHiddenLayers + (double)c.VocabSize * c.HiddenSize;
        double attention = 12.0 * c.NumHiddenLayers * Length * c.HiddenSize;
        return job == "sft" ? 4 * matmul + attention + 6.0 * loraParameters : 6 * matmul + attention;
    }
}
