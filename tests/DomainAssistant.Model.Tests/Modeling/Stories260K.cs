using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Support;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

/// <summary>Loads the real stories260K checkpoint into a model (tests that use it are [Stories260KFact]).</summary>
internal static class Stories260K
{
    public static LlamaForCausalLM Load()
    {
        var (config, weights) = Llama2cCheckpoint.Load(SharedModels.Stories260KBin);
        try
        {
            var model = LlamaForCausalLM.Create(config);
            model.LoadWeights(weights);
            return model;
        }
        finally
        {
            foreach (var w in weights.Values) w.Dispose();
        }
    }

    /// <summary>Feeds tokens one position at a time through slot 0 of a fresh cache; logits [T, vocab].</summary>
    public static Tensor StepByStep(LlamaForCausalLM model, long[] tokens)
    {
        using var cache = model.NewKvCache(slots: 1, capacity: tokens.Length);
        var steps = new List<Tensor>();
        try
        {
            foreach (var token in tokens)
            {
                using var ids = tensor(new[] { token }, [1, 1]);
                steps.Add(model.Forward(ids, cache, [0]));
            }
            using var all = cat(steps, 1);
            return all[0].clone();
        }
        finally
        {
            foreach (var s in steps) s.Dispose();
        }
    }
}
