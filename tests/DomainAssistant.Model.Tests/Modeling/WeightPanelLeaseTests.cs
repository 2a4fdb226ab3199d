using System.Runtime.Intrinsics;
using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

public class WeightPanelLeaseTests
{
    /// <summary>Wide enough that q/o (256 x 256), the MLP (512 x 256) and the head (300 x 256) take the batched
    /// kernel, and so get panels; k/v (128 x 256) stay under its size floor and do not.</summary>
    static LlamaConfig Wide(bool tied = false) => RandomLlama.Config(tied: tied) with
    {
        VocabSize = 300, HiddenSize = 256, IntermediateSize = 512, NumHiddenLayers = 1, NumAttentionHeads = 4, NumKeyValueHeads = 2,
    };

    /// <summary>Panel bytes for <see cref="Wide"/>: q, o, gate, up, down and the head, each padded to 32-column panels.</summary>
    static long ExpectedBytes => 4L * 32 * (256 / 32 * 256 * 2 + 512 / 32 * 256 * 2 + 256 / 32 * 512 + (300 + 31) / 32 * 256);

    /// <summary>Logits of one cached decoding step for 8 rows after a 5-token prompt each.</summary>
    static Tensor DecodeStep(LlamaForCausalLM model)
    {
        using var noGrad = no_grad();
        using var cache = model.NewKvCache(8, 16);
        int[] slots = [0, 1, 2, 3, 4, 5, 6, 7];
        using var prompt = RandomLlama.Ids(8, 5, model.Config.VocabSize, seed: 3);
        model.Forward(prompt, cache, slots, lastPositionOnly: true).Dispose();
        using var next = RandomLlama.Ids(8, 1, model.Config.VocabSize, seed: 4);
        return model.Forward(next, cache, slots, lastPositionOnly: true);
    }

    static void AssertClose(Tensor expected, Tensor actual)
    {
        using var scale = expected.abs().max();
        Assert.True(RandomLlama.MaxDifference(expected, actual) <= 1e-5 * Math.Max(1, scale.item<float>()));
    }

    [Avx512Fact]
    public void Leases_nest_and_the_last_one_closed_frees_the_copy()
    {
        using var model = RandomLlama.Create(Wide());
        Assert.Equal(0, model.WeightPanelBytes);
        var first = model.LeaseWeightPanels();
        Assert.Equal(ExpectedBytes, model.WeightPanelBytes);
        var second = model.LeaseWeightPanels();
        first.Dispose();
        first.Dispose(); // a second close of one lease does not close the other
        Assert.Equal(ExpectedBytes, model.WeightPanelBytes);
        second.Dispose();
        Assert.Equal(0, model.WeightPanelBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the head is the embedding
    public void A_batched_step_gives_the_same_logits_with_panels_as_without(bool tied)
    {
        using var model = RandomLlama.Create(Wide(tied));
        using var without = DecodeStep(model);
        using (model.LeaseWeightPanels())
        {
            using var with = DecodeStep(model);
            AssertClose(without, with);
        }
    }

    [Fact]
    public void Weights_loaded_under_a_lease_are_the_ones_decoded()
    {
        using var model = RandomLlama.Create(Wide(), seed: 1);
        using var other = RandomLlama.Create(Wide(), seed: 2);
        using var expected = DecodeStep(other);
        using var lease = model.LeaseWeightPanels();
        model.LoadWeights(other.state_dict());
        using var actual = DecodeStep(model);
        AssertClose(expected, actual);
    }

    [Avx512Fact]
    public void A_bf16_model_gets_no_copy_and_a_cast_back_to_float32_copies_the_cast_weights()
    {
        using var model = RandomLlama.Create(Wide());
        using var lease = model.LeaseWeightPanels();
        model.to(ScalarType.BFloat16);
        Assert.Equal(0, model.WeightPanelBytes);
        model.to(ScalarType.Float32);
        Assert.Equal(ExpectedBytes, model.WeightPanelBytes);
        using var with = DecodeStep(model);
        lease.Dispose();
        using var without = DecodeStep(model);
        AssertClose(without, with);
    }

    [Fact]
    public async Task A_batched_engine_holds_a_lease_while_it_lives_and_decodes_what_a_single_one_does()
    {
        using var model = RandomLlama.Create(Wide());
        var requests = Enumerable.Range(0, 8).Select(i => new TokenRequest(Enumerable.Range(0, 4).Select(t => (i * 37 + t * 11) % 300).ToArray(), SamplingOptions.Greedy(6))).ToArray();
        var alone = new List<int[]>();
        await using (var single = new GenerationEngine(model, maxBatch: 1))
        {
            Assert.Equal(0, model.WeightPanelBytes); // one row at a time: the row-major kernel is the faster
            foreach (var request in requests) alone.Add(await Tokens(single, request));
        }

        await using (var batched = new GenerationEngine(model, maxBatch: 8, weightPanels: true))
        {
            Assert.Equal(Vector512.IsHardwareAccelerated ? ExpectedBytes : 0, model.WeightPanelBytes);
            var together = await Task.WhenAll(requests.Select(r => Tokens(batched, r)));
            for (int i = 0; i < requests.Length; i++) Assert.Equal(alone[i], together[i]);
        }
        Assert.Equal(0, model.WeightPanelBytes);

        await using var withoutCopy = new GenerationEngine(model, maxBatch: 8, weightPanels: false);
        Assert.Equal(0, model.WeightPanelBytes);
    }

    [Fact]
    public async Task By_default_a_small_model_gets_no_copy()
    {
        using var model = RandomLlama.Create(Wide()); // 0.6M parameters: decoded on one thread, where panels lose
        Assert.False(GenerationEngine.GainsFromPanels(model));
        await using var engine = new GenerationEngine(model, maxBatch: 8);
        Assert.Equal(0, model.WeightPanelBytes);
    }

    static async Task<int[]> Tokens(GenerationEngine engine, TokenRequest request)
    {
        var tokens = new List<int>();
        await foreach (var item in engine.GenerateAsync(request))
            if (item.Token is int token) tokens.Add(token);
        return [.. tokens];
    }
}
