using System.Runtime.Intrinsics;
using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Tests.Modeling;
using DomainAssistant.Model.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Kernels;

public class DecodeAttentionTests
{
    [Avx512Theory]
    [InlineData(1, 1, 3, 32)] // one thread
    [InlineData(2, 1, 3, 32)]
    [InlineData(2, 64, 3, 32)] // enough keys that the rows are split between threads
    [InlineData(2, 64, 1, 32)] // one row: its heads are split between threads
    [InlineData(1, 1, 3, 8)] // heads of half a vector (stories260K's)
    [InlineData(2, 64, 3, 24)] // a vector and a half
    [InlineData(1, 4, 3, 8, 8, 4)]  // 8 heads of 8 over 4 kv heads (stories260K): all heads of a position at once
    [InlineData(1, 2, 3, 8, 8, 8)]  // ... without grouping
    [InlineData(2, 4, 1, 8, 16, 2)] // one row's two groups of 8 heads split between threads
    [InlineData(2, 4, 1, 8, 8, 4)]  // one row's 8 heads split 4 and 4: the general sweep
    public void Equals_libtorchs_attention_over_each_rows_own_slot_and_length(int threads, int lengthScale, int rowCount, int headDim, int heads = 4, int kvHeads = 2)
    {
        using var threadCount = new TorchThreads(threads);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int capacity = 16 * lengthScale;
        var generator = new Generator(7, CPU);
        using var three = 3.ToScalar();
        var keys = randn([4, capacity, kvHeads, headDim], generator: generator).mul(three); // large scores: the softmax must subtract its maximum
        var values = randn([4, capacity, kvHeads, headDim], generator: generator);
        var query = randn([rowCount, 1, heads, headDim], generator: generator);
        // Rows of different lengths: one up to the cache's end, one with a single key.
        int[] slots = new[] { 2, 0, 3 }[..rowCount];
        int[] lengths = new[] { rowCount == 1 ? capacity : 5 * lengthScale, capacity, 1 }[..rowCount];

        var ours = DecodeAttention.Forward(query, keys, values, slots, lengths);

        Assert.Equal(new long[] { rowCount, 1, heads * headDim }, ours.shape);
        for (int row = 0; row < slots.Length; row++)
        {
            // The reference: libtorch over exactly this row's keys, query heads folded onto their shared kv head.
            var k = keys[slots[row]].narrow(0, 0, lengths[row]).transpose(0, 1).unsqueeze(0);   // [1, kvH, L, hd]
            var v = values[slots[row]].narrow(0, 0, lengths[row]).transpose(0, 1).unsqueeze(0);
            var q = query[row].view(1, kvHeads, heads / kvHeads, headDim);                       // [1, kvH, G, hd]
            var expected = nn.functional.scaled_dot_product_attention(q, k, v).reshape(1, heads * headDim);
            Assert.True(RandomLlama.MaxDifference(expected, ours[row]) < 1e-5, $"row {row}");
        }
    }

    [Avx512Theory]
    [InlineData(4, 2, 40)] // 2.5 vectors: the bf16 half-vector path too
    [InlineData(8, 4, 8)]  // stories260K's narrow heads
    public void Reads_a_bf16_cache_as_libtorch_attends_over_the_same_bf16_values(int heads, int kvHeads, int headDim)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        const int capacity = 20;
        var generator = new Generator(11, CPU);
        var keys = randn([2, capacity, kvHeads, headDim], generator: generator).to_type(ScalarType.BFloat16);
        var values = randn([2, capacity, kvHeads, headDim], generator: generator).to_type(ScalarType.BFloat16);
        var query = randn([2, 1, heads, headDim], generator: generator).to_type(ScalarType.BFloat16);
        int[] slots = [1, 0];
        int[] lengths = [7, capacity];

        var ours = DecodeAttention.Forward(query, keys, values, slots, lengths);

        Assert.Equal(ScalarType.BFloat16, ours.dtype);
        for (int row = 0; row < slots.Length; row++)
        {
            // The reference sees exactly the bf16 values, in float32; ours differs only by rounding its output to bf16.
            var k = keys[slots[row]].narrow(0, 0, lengths[row]).transpose(0, 1).unsqueeze(0).to_type(ScalarType.Float32);
            var v = values[slots[row]].narrow(0, 0, lengths[row]).transpose(0, 1).unsqueeze(0).to_type(ScalarType.Float32);
            var q = query[row].view(1, kvHeads, heads / kvHeads, headDim).to_type(ScalarType.Float32);
            var expected = nn.functional.scaled_dot_product_attention(q, k, v).reshape(1, heads * headDim);
            Assert.True(RandomLlama.MaxDifference(expected, ours[row].to_type(ScalarType.Float32)) < 1e-2, $"row {row}");
        }
    }

    [Fact]
    public void Leaves_to_libtorch_what_it_does_not_handle()
    {
        using var scope = NewDisposeScope();
        var cache = zeros(2, 8, 2, 32); // [slots, capacity, kv_heads, head_dim]
        using (no_grad())
        {
            Assert.Equal(Vector512.IsHardwareAccelerated, DecodeAttention.Applies(zeros(1, 1, 2, 32), cache));
            Assert.False(DecodeAttention.Applies(zeros(1, 2, 2, 32), cache));                                        // a prefill (2 tokens)
            Assert.False(DecodeAttention.Applies(zeros(1, 1, 2, 12), zeros(2, 8, 2, 12)));                          // head_dim not whole half-vectors
            Assert.Equal(Vector512.IsHardwareAccelerated, DecodeAttention.Applies(zeros(1, 1, 2, 32, ScalarType.BFloat16), cache.to_type(ScalarType.BFloat16)));
            Assert.False(DecodeAttention.Applies(zeros(1, 1, 2, 32, ScalarType.Float16), cache.to_type(ScalarType.Float16)));
            Assert.False(DecodeAttention.Applies(zeros(1, 1, 2, 32), cache.to_type(ScalarType.BFloat16)));          // dtypes differ
        }
        Assert.False(DecodeAttention.Applies(zeros(1, 1, 2, 32), cache));                                            // autograd on
    }

    [Avx512Fact]
    public void Names_a_length_or_slot_outside_the_cache()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var cache = zeros(2, 8, 2, 32); // [slots, capacity, kv_heads, head_dim]
        var query = zeros(1, 1, 2, 32);
        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => DecodeAttention.Forward(query, cache, cache, [0], [9]));
        Assert.Contains("9 keys", tooLong.Message);
        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => DecodeAttention.Forward(query, cache, cache, [0], [0]));
        Assert.Contains("0 keys", empty.Message);
        var slot = Assert.Throws<ArgumentOutOfRangeException>(() => DecodeAttention.Forward(query, cache, cache, [2], [1]));
        Assert.Contains("slot 2", slot.Message);
    }
}
