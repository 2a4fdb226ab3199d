using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Evaluation.Tests.Answers;

public class AnswerRulesTests
{
    [Theory]
    [InlineData("The line is open from 09:00 to 17:00 on Saturday [2].", "On Saturday the support line is open from 09:00 to 17:00.", true)]
    [InlineData("It opens at 09:00.", "On Saturday the support line is open from 09:00 to 17:00.", false)] // one fact of two
    [InlineData("We answer within 30 days.", "We respond within 3 working days.", false)]                  // "3" is not in "30"
    [InlineData("Priority P3 questions get an answer in 3 days.", "General questions are priority P3, and we respond within 3 working days.", true)]
    [InlineData("Self-use mode is the default mode [1].", "Self-Use mode is the default mode.", true)]   // no facts: the whole sentence
    [InlineData("The default is self-use.", "Self-Use mode is the default mode.", false)]
    public void Key_facts_are_whole_tokens_or_the_whole_reference(string answer, string reference, bool correct) =>
        Assert.Equal(correct, KeyFacts.Contains(answer, reference));

    [Theory]
    [InlineData("I do not know the answer to that. Please call Tidewell support on 0800 555 0142. [1]", true)]
    [InlineData("I don’t know.", true)]
    [InlineData("The Hub restarts in 2 minutes.", false)]
    public void Declines_are_the_domain_decline_or_a_plain_do_not_know(string answer, bool decline) =>
        Assert.Equal(decline, Declines.IsDecline(answer, "I do not know the answer to that. Please call Tidewell support on 0800 555 0142."));

    [Fact]
    public void Expected_facts_must_all_appear_as_whole_tokens()
    {
        string[] facts = ["112", "0800 555 0199"];
        Assert.True(ExpectedFacts.HoldsAll("Leave the room, call 112 and then 0800  555 0199 [1].", facts));
        Assert.False(ExpectedFacts.HoldsAll("Call 112 and then 0800 555 01990.", facts));
        Assert.False(ExpectedFacts.HoldsAll("Call 0800 555 0199.", facts));
    }
}
