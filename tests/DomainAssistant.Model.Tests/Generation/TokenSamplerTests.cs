using DomainAssistant.Model.Generation;

namespace DomainAssistant.Model.Tests.Generation;

public class TokenSamplerTests
{
    static readonly float[] Logits = [1f, 3f, 2f, 0.5f, 2.9f];

    [Fact]
    public void Temperature_zero_is_argmax()
    {
        var sampler = new TokenSampler(SamplingOptions.Greedy(10), []);
        Assert.Equal(1, sampler.Next(Logits));
    }

    [Fact]
    public void The_same_seed_draws_the_same_tokens_and_another_seed_differs()
    {
        static int[] Draw(int seed)
        {
            var sampler = new TokenSampler(new SamplingOptions { Temperature = 5f, Seed = seed }, []);
            return Enumerable.Range(0, 64).Select(_ => sampler.Next(Logits)).ToArray();
        }
        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
    }

    [Fact]
    public void Top_k_never_draws_outside_the_k_best()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 100f, TopK = 2, Seed = 1 }, []);
        var drawn = Enumerable.Range(0, 500).Select(_ => sampler.Next(Logits)).ToHashSet();
        Assert.Equal([1, 4], drawn.Order());
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_the_mass()
    {
        // Token 1 alone holds ~99.99% of the mass at this temperature, so p=0.5 keeps only it.
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 0.05f, TopP = 0.5f, Seed = 3 }, []);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(1, sampler.Next(Logits)));
    }

    [Fact]
    public void Sampling_follows_the_softmax_distribution()
    {
        float[] logits = [0f, MathF.Log(3f)]; // probabilities 1/4 and 3/4 at temperature 1
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 1f, Seed = 11 }, []);
        int ones = Enumerable.Range(0, 20_000).Count(_ => sampler.Next(logits) == 1);
        Assert.InRange(ones / 20_000.0, 0.73, 0.77);
    }

    [Fact]
    public void Repetition_penalty_demotes_tokens_already_in_the_context()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 0, RepetitionPenalty = 2f }, context: [1]);
        Assert.Equal(4, sampler.Next(Logits)); // 3 / 2 = 1.5 < 2.9
        Assert.Equal(2, sampler.Next(Logits)); // 4 is now penalised too: 2.9 / 2 < 2
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingOptions { TopP = 0f }, []));
        Assert.Equal("TopP", error.ParamName);
    }
}
