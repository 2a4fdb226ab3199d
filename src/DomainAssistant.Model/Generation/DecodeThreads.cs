using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Generation;

/// <summary>
/// How many CPU threads libtorch uses for decoding. A small model's decode step is hundreds of tiny ops; with
/// OpenMP on two threads each op waits for the other thread, which collapses throughput when anything else
/// shares the cores (docs/modeling.md). Large models are bandwidth-bound and gain from every core.
/// </summary>
public static class DecodeThreads
{
    /// <summary>Models below this many parameters decode on one thread by default.</summary>
    public const long SmallModelParameters = 20_000_000;

    /// <summary>Whether <paramref name="model"/> has fewer than <see cref="SmallModelParameters"/> parameters.</summary>
    public static bool IsSmall(LlamaForCausalLM model) => model.parameters().Sum(p => p.NumberOfElements) < SmallModelParameters;

    /// <summary>Sets libtorch's (process-wide) thread count: <paramref name="requested"/>, or the automatic choice when 0.</summary>
    public static int Apply(int requested, LlamaForCausalLM model)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requested);
        int threads = requested > 0 ? requested : IsSmall(model) ? 1 : Environment.ProcessorCount;
        set_num_threads(threads);
        return threads;
    }
}
