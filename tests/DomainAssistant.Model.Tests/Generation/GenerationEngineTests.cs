using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Lora;
using DomainAssistant.Model.Modeling;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Generation;

public class GenerationEngineTests
{
    static readonly LlamaConfig Tiny = new()
    {
        VocabSize = 97, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2,
        NumAttentionHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 64,
    };

    static LlamaForCausalLM TinyModel()
    {
        manual_seed(1234);
        return LlamaForCausalLM.Create(Tiny);
    }

    static int[] Prompt(int seed, int length) => Enumerable.Range(0, length).Select(i => (seed * 31 + i * 7) % Tiny.VocabSize).ToArray();

    static async Task<(List<int> Tokens, FinishReason? Finish)> RunAsync(GenerationEngine engine, TokenRequest request, CancellationToken cancellation = default)
    {
        var tokens = new List<int>();
        FinishReason? finish = null;
        await foreach (var item in engine.GenerateAsync(request, cancellation))
        {
            if (item.Token is int token) tokens.Add(token);
            finish = item.Finish ?? finish;
        }
        return (tokens, finish);
    }

    [Fact]
    public async Task Concurrent_requests_decoded_together_get_what_each_gets_alone()
    {
        using var model = TinyModel();
        var requests = Enumerable.Range(0, 5).Select(i => new TokenRequest(Prompt(i, 3 + 2 * i), SamplingOptions.Greedy(12))).ToArray();

        var alone = new List<List<int>>();
        await using (var single = new GenerationEngine(model, maxBatch: 1))
            foreach (var request in requests) alone.Add((await RunAsync(single, request)).Tokens);

        await using var batched = new GenerationEngine(model, maxBatch: 4); // 5 requests: one waits for a slot
        var together = await Task.WhenAll(requests.Select(r => RunAsync(batched, r)));
        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(12, together[i].Tokens.Count);
            Assert.Equal(alone[i], together[i].Tokens);
            Assert.Equal(FinishReason.Length, together[i].Finish);
        }
    }

    [Fact]
    public async Task Prompts_of_one_length_arriving_together_prefill_together_and_one_bad_request_fails_alone()
    {
        using var model = TinyModel();
        var requests = Enumerable.Range(0, 4).Select(i => new TokenRequest(Prompt(i, 6), SamplingOptions.Greedy(8))).ToArray();
        var alone = new List<List<int>>();
        await using (var single = new GenerationEngine(model, maxBatch: 1))
            foreach (var request in requests) alone.Add((await RunAsync(single, request)).Tokens);

        await using var batched = new GenerationEngine(model, maxBatch: 5);
        var unknownAdapter = new TokenRequest(Prompt(9, 6), SamplingOptions.Greedy(8)) { Adapter = "no-such-adapter" };
        Task<(List<int> Tokens, FinishReason? Finish)>[] together;
        Task<(List<int> Tokens, FinishReason? Finish)> failing;
        // Holding the gate keeps the engine from admitting until all five wait: they are admitted in one round.
        lock (batched.ForwardGate)
        {
            together = requests.Select(r => RunAsync(batched, r)).ToArray();
            failing = RunAsync(batched, unknownAdapter);
        }

        var error = await Assert.ThrowsAsync<ArgumentException>(() => failing);
        Assert.Contains("no-such-adapter", error.Message);
        for (int i = 0; i < requests.Length; i++) Assert.Equal(alone[i], (await together[i]).Tokens);
    }

    [Fact]
    public async Task A_stop_token_ends_the_sequence_without_being_emitted()
    {
        using var model = TinyModel();
        await using var engine = new GenerationEngine(model, maxBatch: 2);
        var free = await RunAsync(engine, new TokenRequest(Prompt(1, 4), SamplingOptions.Greedy(8)));
        int stopAt = free.Tokens[3];
        var stopped = await RunAsync(engine, new TokenRequest(Prompt(1, 4), SamplingOptions.Greedy(8)) { StopTokens = new HashSet<int> { stopAt } });
        Assert.Equal(free.Tokens.TakeWhile(t => t != stopAt), stopped.Tokens);
        Assert.Equal(FinishReason.Stop, stopped.Finish);
    }

    [Fact]
    public async Task A_cancelled_request_frees_its_slot_for_the_next()
    {
        using var model = TinyModel();
        await using var engine = new GenerationEngine(model, maxBatch: 1);
        using var cancel = new CancellationTokenSource();
        var tokens = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in engine.GenerateAsync(new TokenRequest(Prompt(2, 3), SamplingOptions.Greedy(50)), cancel.Token))
                if (++tokens == 3) await cancel.CancelAsync();
        });
        var next = await RunAsync(engine, new TokenRequest(Prompt(3, 3), SamplingOptions.Greedy(5)));
        Assert.Equal(5, next.Tokens.Count);
    }

    [Fact]
    public async Task Generation_stops_at_the_end_of_the_context_window()
    {
        using var model = TinyModel();
        await using var engine = new GenerationEngine(model, maxBatch: 1, contextLength: 10);
        var result = await RunAsync(engine, new TokenRequest(Prompt(4, 6), SamplingOptions.Greedy(100)));
        Assert.Equal(5, result.Tokens.Count); // 6 prompt + 4 fed back fill the window; the 5th token is never fed
        Assert.Equal(FinishReason.Length, result.Finish);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_the_reason()
    {
        using var model = TinyModel();
        await using var engine = new GenerationEngine(model, maxBatch: 1, contextLength: 8);
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(engine, new TokenRequest(Prompt(5, 8), SamplingOptions.Greedy(1))));
        Assert.Contains("context window holds 8", tooLong.Message);
        var outside = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(engine, new TokenRequest([1, 500], SamplingOptions.Greedy(1))));
        Assert.Contains("500 is outside the vocabulary", outside.Message);
        var unknownAdapter = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(engine, new TokenRequest([1, 2], SamplingOptions.Greedy(1)) { Adapter = "nope" }));
        Assert.Contains("nope", unknownAdapter.Message);
    }

    [Fact]
    public async Task The_same_seed_samples_the_same_tokens()
    {
        using var model = TinyModel();
        await using var engine = new GenerationEngine(model, maxBatch: 2);
        var sampling = new SamplingOptions { Temperature = 1.5f, TopK = 20, TopP = 0.95f, Seed = 42, MaxTokens = 16 };
        var first = await RunAsync(engine, new TokenRequest(Prompt(6, 4), sampling));
        var second = await RunAsync(engine, new TokenRequest(Prompt(6, 4), sampling));
        var other = await RunAsync(engine, new TokenRequest(Prompt(6, 4), sampling with { Seed = 43 }));
        Assert.Equal(first.Tokens, second.Tokens);
        Assert.NotEqual(first.Tokens, other.Tokens);
    }

    [Fact]
    public async Task Two_reloaded_adapters_interleaved_in_one_batch_give_each_request_what_it_gets_alone()
    {
        using var model = TinyModel();
        var folder = Path.Combine(Path.GetTempPath(), $"adapters-{Guid.NewGuid():N}");
        try
        {
            // Two adapters with different, non-zero weights, saved in PEFT layout and loaded back under new names.
            foreach (var (name, seed) in new[] { ("a", 1L), ("b", 2L) })
            {
                model.AddAdapter(name, new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = LoraTargets.Of("q_proj", "v_proj", "down_proj") }, seed);
                using (no_grad())
                    foreach (var (_, parameter) in model.AdapterParameters(name)) parameter.normal_(0, 0.5);
                PeftAdapter.Save(Path.Combine(folder, name), model, name);
                PeftAdapter.Load(Path.Combine(folder, name), model, name + "-reloaded");
            }

            var requests = new[] { "a-reloaded", null, "b-reloaded", "a-reloaded", "b-reloaded" }
                .Select((adapter, i) => new TokenRequest(Prompt(i, 5), SamplingOptions.Greedy(10)) { Adapter = adapter }).ToArray();
            var alone = new List<List<int>>();
            await using (var single = new GenerationEngine(model, maxBatch: 1))
                foreach (var request in requests) alone.Add((await RunAsync(single, request)).Tokens);

            await using var batched = new GenerationEngine(model, maxBatch: 5);
            var together = await Task.WhenAll(requests.Select(r => RunAsync(batched, r)));
            for (int i = 0; i < requests.Length; i++) Assert.Equal(alone[i], together[i].Tokens);
            // The adapters matter: the same prompt through a, b and the base does not give one answer.
            var answers = new HashSet<string>();
            foreach (var adapter in new[] { "a-reloaded", "b-reloaded", null })
                answers.Add(string.Join(',', (await RunAsync(batched, new TokenRequest(Prompt(9, 5), SamplingOptions.Greedy(10)) { Adapter = adapter })).Tokens));
            Assert.Equal(3, answers.Count);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
