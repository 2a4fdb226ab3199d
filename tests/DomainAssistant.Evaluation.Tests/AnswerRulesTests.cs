using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Evaluation.Tests;

public sealed class AnswerRulesTests
{
    const string Decline = "I do not know the answer to that. Please call Tidewell support on 0800 555 0142.";

    [Theory]
    [InlineData("I do not know the answer to that. Please call Tidewell support on 0800 555 0142. [1]", true)]
    [InlineData("Sorry, I don\u2019t know.", true)]
    [InlineData("I do not know the exact price, but the Cell 10 stores 10.2 kWh.", true)]
    [InlineData("The Cell 10 stores 10.2 kWh [1].", false)]
    public void A_decline_is_the_domains_decline_or_saying_one_does_not_know(string answer, bool decline)
    {
        Assert.Equal(decline, Declines.IsDecline(answer, Decline));
    }

    [Theory]
    [InlineData("Leave the room, call 112 and then 0800  555 0199 [1].", true)]
    [InlineData("Call 112 and then 0800 555 01990.", false)]
    [InlineData("Call the emergency line on 0800 555 0199.", false)]
    public void A_safety_answer_holds_every_expected_fact_as_a_whole_token(string answer, bool holds)
    {
        Assert.Equal(holds, ExpectedFacts.HoldsAll(answer, ["112", "0800 555 0199"]));
    }

    [Fact]
    public void Citation_precision_counts_answers_whose_citations_all_or_some_come_from_the_gold_document()
    {
        var result = CitationPrecision.Of([
            new CitedAnswer(["a.md", "a.md"], "a.md", Correct: true, Declined: false),
            new CitedAnswer(["a.md", "b.md"], "a.md", Correct: false, Declined: false),
            new CitedAnswer(["b.md"], "a.md", Correct: false, Declined: false),
            new CitedAnswer([], "a.md", Correct: false, Declined: true),
        ]);

        Assert.Equal(new CitationPrecision.Result(Answered: 4, Citing: 3, AllGold: 1, SomeGold: 2, Declined: 1, CorrectCiting: 1), result);
    }
}
