using DomainAssistant.Model.Generation;

namespace DomainAssistant.Model.Tests.Generation;

/// <summary>
/// Specifies the copy bias of grounded decoding: after each generated token, the tokens that continue the longest run
/// of the answer's last tokens found in the prompt get the bias; nothing is biased before the first token. Through
/// <see cref="TokenSampler"/> at temperature 0 it turns the argmax to the quoted continuation exactly when the model's
/// margin against it is below the bias; a copy bias of 0 leaves sampling as it was.
/// </summary>
public sealed class PromptCopyBiasTests
{
    const int Vocabulary = 16;

    static PromptCopyBias Copying(int[] prompt, params int[] answer)
    {
        var copy = new PromptCopyBias(prompt, 3f);
        foreach (var token in answer) copy.Accept(token);
        return copy;
    }

    [Fact]
    public void Nothing_is_biased_before_the_first_token()
    {
        var copy = Copying([1, 2, 3, 4]);

        Assert.Empty(copy.Continuations());
        var scores = new float[Vocabulary];
        copy.Apply(scores);
        Assert.All(scores, s => Assert.Equal(0f, s));
    }

    [Fact]
    public void The_continuations_are_those_of_the_longest_matching_suffix_only()
    {
        int[] prompt = [7, 1, 2, 3, 8, 2, 3, 9, 3, 10];

        Assert.Equal([8], Copying(prompt, 1, 2, 3).Continuations());            // [1 2 3] occurs once: not also 9 after [2 3] or 10 after [3]
        Assert.Equal([8, 9], Copying(prompt, 5, 2, 3).Continuations().Order()); // [5 2 3] does not occur; [2 3] twice
        Assert.Equal([8, 9, 10], Copying(prompt, 3).Continuations().Order());   // every 3
        Assert.Empty(Copying(prompt, 11).Continuations());                       // not in the prompt
        Assert.Empty(Copying([5, 6, 7], 6, 7).Continuations());                  // a run that ends the prompt has no continuation
    }

    [Fact]
    public void A_run_longer_than_MaxMatch_is_matched_by_its_last_MaxMatch_tokens()
    {
        int[] prompt = [.. Enumerable.Range(0, PromptCopyBias.MaxMatch + 2)];
        // The answer's last MaxMatch tokens match 2..9, whatever came before them.
        int[] answer = [15, .. Enumerable.Range(2, PromptCopyBias.MaxMatch - 1)];

        Assert.Equal([PromptCopyBias.MaxMatch + 1], Copying(prompt, answer).Continuations());
    }

    [Fact]
    public void Apply_adds_the_bias_to_the_continuations_only()
    {
        var copy = Copying([1, 2, 3, 2, 5, 40], 2);
        var scores = Enumerable.Range(0, Vocabulary).Select(i => i * 0.1f).ToArray();
        var before = scores.ToArray();

        copy.Apply(scores); // continuations 3 and 5; 40 is past the vocabulary and ignored

        for (var id = 0; id < Vocabulary; id++) Assert.Equal(before[id] + (id is 3 or 5 ? 3f : 0f), scores[id]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NaN)]
    public void The_bias_must_be_positive_and_finite(float bias) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromptCopyBias([1, 2], bias));

    /// <summary>Logits favouring <paramref name="favourite"/> by <paramref name="margin"/> over <paramref name="other"/>, which leads the rest.</summary>
    static float[] Logits(int favourite, int other, float margin)
    {
        var logits = new float[Vocabulary];
        logits[other] = 1f;
        logits[favourite] = 1f + margin;
        return logits;
    }

    /// <summary>
    /// The prompt quotes 4 5 6; the model's first token is 4 (its own argmax), then it prefers 9 over the quote's
    /// next token 5 by <paramref name="margin"/>.
    /// </summary>
    static int SecondToken(float copyBias, float margin)
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 0, CopyBias = copyBias }, [1, 2, 4, 5, 6, 3]);
        Assert.Equal(4, sampler.Next(Logits(4, 0, 2f)));
        return sampler.Next(Logits(9, 5, margin));
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(2.9f)]
    public void At_temperature_zero_a_margin_below_the_bias_turns_the_choice_to_the_quoted_continuation(float margin) =>
        Assert.Equal(5, SecondToken(copyBias: 3f, margin));

    [Theory]
    [InlineData(3.1f)]
    [InlineData(8f)]
    public void At_temperature_zero_a_margin_above_the_bias_keeps_the_models_choice(float margin) =>
        Assert.Equal(9, SecondToken(copyBias: 3f, margin));

    [Fact]
    public void The_first_token_is_never_biased_even_toward_a_prompt_token()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 0, CopyBias = 3f }, [1, 2, 4, 5, 6, 3]);
        Assert.Equal(9, sampler.Next(Logits(9, 5, 0.1f)));
    }

    [Fact]
    public void A_copy_bias_of_zero_leaves_greedy_and_seeded_sampling_exactly_as_without_it()
    {
        var random = new Random(11);
        var rows = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, Vocabulary).Select(_ => (float)random.NextDouble() * 4).ToArray()).ToList();
        int[] prompt = [.. Enumerable.Range(0, 200).Select(i => i % Vocabulary)]; // every token continues some run of the prompt

        int[] Draw(SamplingOptions options, int[] context)
        {
            var sampler = new TokenSampler(options, context);
            return [.. rows.Select(row => sampler.Next(row))];
        }

        var greedy = new SamplingOptions { Temperature = 0, CopyBias = 0 };
        Assert.Equal(rows.Select(row => TokenSampler.ArgMax(row)), Draw(greedy, prompt));
        var seeded = new SamplingOptions { Temperature = 0.9f, TopK = 8, Seed = 5, CopyBias = 0 };
        Assert.Equal(Draw(seeded, []), Draw(seeded, prompt));           // the prompt plays no part
        Assert.NotEqual(Draw(seeded, prompt), Draw(seeded with { CopyBias = 3f }, prompt)); // while a bias would change the draws
    }
}
