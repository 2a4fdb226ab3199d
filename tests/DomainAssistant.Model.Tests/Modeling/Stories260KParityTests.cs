using DomainAssistant.Model.Tests.Support;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

/// <summary>The TorchSharp model against llama2.c's own run on the same checkpoint.</summary>
public class Stories260KParityTests
{
    const double Tolerance = 1e-4;

    [Stories260KFact]
    public void Cached_decoding_matches_llama2c_logits_at_every_position()
    {
        using var model = Stories260K.Load();
        foreach (var reference in GreedyReference.Load().Cases)
        {
            using var logits = Stories260K.StepByStep(model, reference.Tokens);
            using var argmax = logits.argmax(-1);
            using var logSumExp = logits.logsumexp(-1);
            var argmaxes = argmax.data<long>().ToArray();
            var sums = logSumExp.data<float>().ToArray();
            for (var pos = 0; pos < reference.Steps.Count; pos++)
            {
                var step = reference.Steps[pos];
                Assert.True(step.Argmax == argmaxes[pos], $"'{reference.Prompt}' pos {pos}: argmax {argmaxes[pos]}, reference {step.Argmax}");
                Assert.True(Math.Abs(step.LogSumExp - sums[pos]) < Tolerance, $"'{reference.Prompt}' pos {pos}: logsumexp {sums[pos]}, reference {step.LogSumExp}");
                using var row = logits[pos];
                var head = row.narrow(0, 0, 8).data<float>().ToArray();
                for (var i = 0; i < 8; i++)
                    Assert.True(Math.Abs(step.LogitsHead[i] - head[i]) < Tolerance, $"'{reference.Prompt}' pos {pos} logit {i}: {head[i]}, reference {step.LogitsHead[i]}");
            }
        }
    }
}
