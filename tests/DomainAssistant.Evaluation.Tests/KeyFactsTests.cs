using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Evaluation.Tests;

public sealed class KeyFactsTests
{
    [Fact]
    public void The_key_facts_are_the_references_numbers_and_codes_lower_cased()
    {
        Assert.Equal(["09:00", "p3", "e104", "sm-5", "1,299"], KeyFacts.Of("Open at 09:00 in bay P3; fault E104 on the SM-5 costs 1,299."));
    }

    [Theory]
    [InlineData("The code is P3 [1].", "Use bay P3.", true)]
    [InlineData("It takes 30 minutes.", "It takes 3 minutes.", false)]
    [InlineData("Bay P3 takes 30 minutes.", "It takes 3 minutes.", false)]
    [InlineData("Call 0800 555 0142 at 09:00 [2].", "Call 0800 555 0142, open from 09:00.", true)]
    [InlineData("Self-Use mode is the default mode, as the manual says.", "Self-use mode is the default mode.", true)]
    [InlineData("Self-Use is a mode.", "Self-use mode is the default mode.", false)]
    public void An_answer_is_correct_when_it_holds_every_key_fact_as_a_whole_token_or_the_whole_reference(string answer, string reference, bool correct)
    {
        Assert.Equal(correct, KeyFacts.Contains(answer, reference));
    }

    [Fact]
    public void Token_F1_is_SQuADs_without_articles_or_citations()
    {
        Assert.Equal(1, KeyFacts.TokenF1("The blue bin [1].", "blue bin"));
        Assert.Equal(1, KeyFacts.TokenF1("the", "a"));
        Assert.Equal(0, KeyFacts.TokenF1("green", "blue bin"));
        Assert.Equal(2 * 0.5 * 1 / 1.5, KeyFacts.TokenF1("blue crate", "blue"), 10);
    }
}
