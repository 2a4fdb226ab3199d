using DomainAssistant.Model.Embeddings;
using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Modeling;
using DomainAssistant.Model.Tests.Tokenization;
using DomainAssistant.Model.Tokenization;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Embeddings;

/// <summary>A random two-layer model (32 hidden, 48 positions) over a byte-level llama2.c tokenizer: any text encodes.</summary>
public sealed class HiddenStateEmbeddingGeneratorTests : IDisposable
{
    const int Positions = 48;
    readonly TempFolder _folder = new();
    readonly LlamaForCausalLM _model;
    readonly ModelTokenizer _tokenizer;

    public HiddenStateEmbeddingGeneratorTests()
    {
        _tokenizer = TokenizerLoader.Load(_folder.Write("tokenizer.bin",
            TokenizerFixtures.Llama2cTokenizerBin((" ", 0), ("e", -1), ("t", -2), (" t", -3), ("th", -4), ("he", -5))));
        manual_seed(7);
        _model = LlamaForCausalLM.Create(new LlamaConfig
        {
            VocabSize = _tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, MaxPositionEmbeddings = Positions,
        });
    }

    HiddenStateEmbeddingGenerator Generator(int batchSize = 16, Lock? gate = null) => new(_model, _tokenizer, "tiny-random", gate, batchSize: batchSize);

    static readonly string[] Texts =
    [
        "the meter reads the tide",
        "a",
        "",
        "three thin threads",
        "the heat pump heats the tank when the tariff is cheap",
    ];

    [Fact]
    public async Task The_same_text_gives_the_same_vector()
    {
        using var generator = Generator();
        var first = await generator.GenerateVectorAsync("the meter reads the tide");
        var second = await generator.GenerateVectorAsync("the meter reads the tide");
        var other = await generator.GenerateVectorAsync("three thin threads");

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.NotEqual(first.ToArray(), other.ToArray());
    }

    [Fact]
    public async Task Every_vector_has_unit_length_and_the_hidden_size()
    {
        using var generator = Generator();
        var embeddings = await generator.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, embeddings.Count);
        foreach (var embedding in embeddings)
        {
            Assert.Equal(32, embedding.Vector.Length);
            Assert.Equal(1.0, Math.Sqrt(embedding.Vector.ToArray().Sum(x => (double)x * x)), 5);
            Assert.Equal("tiny-random", embedding.ModelId);
        }
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(("tiny-random", 32), (metadata?.DefaultModelId, metadata?.DefaultModelDimensions));
    }

    [Fact]
    public async Task A_batch_gives_the_vectors_each_text_gets_alone()
    {
        using var batched = Generator(batchSize: 16);
        using var single = Generator(batchSize: 1);
        var together = await batched.GenerateAsync(Texts);

        for (var i = 0; i < Texts.Length; i++)
        {
            var alone = await single.GenerateVectorAsync(Texts[i]);
            AssertClose(alone.ToArray(), together[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task Padding_beside_a_longer_text_does_not_change_a_short_texts_vector()
    {
        using var generator = Generator();
        var alone = await generator.GenerateVectorAsync("a");
        // The long text makes the batch 40 positions wide: "a" is padded with 38 positions it must never see.
        var padded = await generator.GenerateAsync(["a", string.Concat(Enumerable.Repeat("the tide ", 5))]);

        AssertClose(alone.ToArray(), padded[0].Vector.ToArray());
    }

    [Fact]
    public async Task A_text_longer_than_the_context_is_cut_and_says_so()
    {
        using var generator = Generator();
        var longText = string.Concat(Enumerable.Repeat("the heat pump heats the tank ", 20));
        var embedding = (await generator.GenerateAsync([longText]))[0];
        var fullLength = _tokenizer.Encode(longText, addBos: true).Length;

        Assert.True(fullLength > Positions);
        Assert.Equal(Positions, embedding.AdditionalProperties?[HiddenStateEmbeddingGenerator.TokensProperty]);
        Assert.Equal(fullLength, embedding.AdditionalProperties?[HiddenStateEmbeddingGenerator.TruncatedFromProperty]);
        var prefix = _tokenizer.Decode(_tokenizer.Encode(longText, addBos: true)[1..Positions]);
        AssertClose((await generator.GenerateVectorAsync(prefix)).ToArray(), embedding.Vector.ToArray());
    }

    [Fact]
    public async Task A_cancelled_request_embeds_nothing()
    {
        using var generator = Generator(batchSize: 1);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(Texts, cancellationToken: cancelled.Token));
    }

    [Fact]
    public async Task Waits_for_the_engines_forward_gate()
    {
        await using var engine = new GenerationEngine(_model, maxBatch: 1);
        using var generator = Generator(gate: engine.ForwardGate);
        using var held = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        // A Lock belongs to a thread: hold it on one, as the engine's loop would during a decode step.
        var holder = Task.Factory.StartNew(() =>
        {
            lock (engine.ForwardGate)
            {
                held.Release();
                release.Wait();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await held.WaitAsync();

        var embedding = Task.Run(() => generator.GenerateVectorAsync("the tide"));
        await Task.Delay(300);
        Assert.False(embedding.IsCompleted, "the forward ran while the engine held its gate");
        release.Release();
        await holder;
        Assert.Equal(32, (await embedding).Length);
    }

    static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"component {i}: {expected[i]} vs {actual[i]}");
    }

    public void Dispose()
    {
        _model.Dispose();
        _folder.Dispose();
    }
}
