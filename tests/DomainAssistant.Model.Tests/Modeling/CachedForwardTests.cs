using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Modeling;

public class CachedForwardTests
{
    const double Tolerance = 1e-4;

    [Theory]
    [InlineData(RopeStyle.Halves, false, false)]
    [InlineData(RopeStyle.Adjacent, true, false)]
    [InlineData(RopeStyle.Halves, false, true)]
    public void Full_sequence_forward_equals_cached_prefill_and_token_by_token_decoding(RopeStyle style, bool tied, bool bias)
    {
        using var model = RandomLlama.Create(RandomLlama.Config(style, tied, bias));
        using var ids = RandomLlama.Ids(1, 12, 40, seed: 1);
        using var full = model.Forward(ids);

        using var cache = model.NewKvCache(slots: 1, capacity: 12);
        using var prompt = ids.narrow(1, 0, 5);
        using var prefilled = model.Forward(prompt, cache, [0]);
        var steps = new List<Tensor> { prefilled };
        for (var pos = 5; pos < 12; pos++)
        {
            using var token = ids.narrow(1, pos, 1);
            steps.Add(model.Forward(token, cache, [0]));
        }
        using var cached = cat(steps, 1);
        foreach (var step in steps) step.Dispose();

        Assert.Equal(full.shape, cached.shape);
        Assert.True(RandomLlama.MaxDifference(full, cached) < Tolerance);
        Assert.Equal(12, cache.Length(0));
    }

    [Fact]
    public void Two_sequences_of_different_lengths_decoded_together_equal_each_decoded_alone()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        using var first = RandomLlama.Ids(1, 4, 40, seed: 2);
        using var second = RandomLlama.Ids(1, 9, 40, seed: 3);
        using var next = RandomLlama.Ids(2, 6, 40, seed: 4);

        using var together = model.NewKvCache(slots: 2, capacity: 20);
        model.Forward(first, together, [0]).Dispose();
        model.Forward(second, together, [1]).Dispose();
        using var batched = cat(Enumerable.Range(0, 6).Select(step =>
        {
            using var column = next.narrow(1, step, 1);
            return model.Forward(column, together, [0, 1]);
        }).ToList(), 1);

        for (var row = 0; row < 2; row++)
        {
            using var alone = DecodeAlone(model, row == 0 ? first : second, next[row].unsqueeze(0));
            using var batchedRow = batched[row].unsqueeze(0);
            Assert.True(RandomLlama.MaxDifference(alone, batchedRow) < Tolerance, $"row {row} differs when batched");
        }
        Assert.Equal([10, 15], new[] { together.Length(0), together.Length(1) });
    }

    [Theory]
    [InlineData(new[] { 3, 1 }, 4)]   // a close range, out of order: queries scattered over a cache view
    [InlineData(new[] { 0, 7 }, 8)]   // far apart: keys gathered
    [InlineData(new[] { 2, 3 }, 4)]   // consecutive: a plain view
    public void Any_choice_of_slots_gives_the_same_logits_as_decoding_alone(int[] slots, int slotCount)
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        using var prompts = RandomLlama.Ids(2, 7, 40, seed: 5);
        using var next = RandomLlama.Ids(2, 3, 40, seed: 6);
        using var cache = model.NewKvCache(slotCount, capacity: 16);
        for (var row = 0; row < 2; row++)
        {
            using var prompt = prompts[row].narrow(0, 0, 3 + 4 * row).unsqueeze(0); // lengths 3 and 7
            model.Forward(prompt, cache, [slots[row]]).Dispose();
        }
        // Two tokens at once per row, from different start positions (a chunked prefill), then one more.
        using var chunk = next.narrow(1, 0, 2);
        using var last = next.narrow(1, 2, 1);
        using var chunkLogits = model.Forward(chunk, cache, slots);
        using var lastLogits = model.Forward(last, cache, slots);
        using var batched = cat([chunkLogits, lastLogits], 1);

        for (var row = 0; row < 2; row++)
        {
            using var prompt = prompts[row].narrow(0, 0, 3 + 4 * row).unsqueeze(0);
            using var alone = DecodeAlone(model, prompt, next[row].unsqueeze(0));
            using var batchedRow = batched[row].unsqueeze(0);
            Assert.True(RandomLlama.MaxDifference(alone, batchedRow) < Tolerance, $"row {row} in slot {slots[row]} differs");
        }
    }

    [Fact]
    public void Last_position_only_returns_the_final_logits_of_each_row()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        using var ids = RandomLlama.Ids(1, 6, 40, seed: 8);
        using var cacheAll = model.NewKvCache(1, 8);
        using var cacheLast = model.NewKvCache(1, 8);
        using var all = model.Forward(ids, cacheAll, [0]);
        using var last = model.Forward(ids, cacheLast, [0], lastPositionOnly: true);
        Assert.Equal([1L, 1, 40], last.shape);
        using var expected = all.narrow(1, 5, 1);
        Assert.True(RandomLlama.MaxDifference(expected, last) < Tolerance);
    }

    [Fact]
    public void A_cleared_slot_starts_a_new_sequence_from_position_zero()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        using var old = RandomLlama.Ids(1, 9, 40, seed: 9);
        using var fresh = RandomLlama.Ids(1, 5, 40, seed: 10);
        using var cache = model.NewKvCache(1, 16);
        model.Forward(old, cache, [0]).Dispose();
        cache.Clear(0);
        using var reused = model.Forward(fresh, cache, [0]);
        using var full = model.Forward(fresh);
        Assert.True(RandomLlama.MaxDifference(full, reused) < Tolerance);
        Assert.Equal(5, cache.Length(0));
    }

    [Fact]
    public void The_cache_refuses_tokens_beyond_its_capacity_and_repeated_slots()
    {
        using var model = RandomLlama.Create(RandomLlama.Config());
        using var cache = model.NewKvCache(2, 4);
        using var five = RandomLlama.Ids(1, 5, 40, seed: 11);
        var full = Assert.Throws<InvalidOperationException>(() => model.Forward(five, cache, [0]));
        Assert.Contains("capacity 4", full.Message);
        Assert.Equal(0, cache.Length(0));
        using var two = RandomLlama.Ids(2, 1, 40, seed: 12);
        Assert.Throws<ArgumentException>(() => model.Forward(two, cache, [1, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(two, cache, [0, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.NewKvCache(1, 49));
    }

    /// <summary>Prefills <paramref name="prompt"/> alone in a fresh cache, then feeds <paramref name="next"/> one token at a time.</summary>
    static Tensor DecodeAlone(LlamaForCausalLM model, Tensor prompt, Tensor next)
    {
        using var cache = model.NewKvCache(1, 32);
        model.Forward(prompt, cache, [0]).Dispose();
        var steps = new List<Tensor>();
        for (var i = 0; i < next.shape[1]; i++)
        {
            using var token = next.narrow(1, i, 1);
            steps.Add(model.Forward(token, cache, [0]));
        }
        var logits = cat(steps, 1);
        foreach (var step in steps) step.Dispose();
        return logits;
    }
}
