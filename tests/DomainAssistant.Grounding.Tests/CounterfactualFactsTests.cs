using DomainAssistant.Grounding;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Grounding.Tests;

/// <summary>
/// Counterfactual facts: an answer's numbers and codes are replaced by other values of the same shape everywhere in
/// the conversation, whole tokens only, so the context still answers the question but memory no longer does.
/// </summary>
public sealed class CounterfactualFactsTests
{
    static readonly ChatMessage[] Conversation =
    [
        ChatMessage.System("Context:\n[1] Cell 10\nThe Cell 10 stores 10.2 kWh. The SM-10 rack holds 2 modules. Peak power is 7 kW for 10 seconds."),
        ChatMessage.User("What is the peak power of the Cell 10?"),
        ChatMessage.Assistant("Peak power is 7 kW for 10 seconds. [1]"),
    ];

    [Fact]
    public void Every_fact_of_the_answer_gets_one_new_value_of_the_same_shape_in_every_message()
    {
        var changed = CounterfactualFacts.Apply(Conversation, "Peak power is 7 kW for 10 seconds.", new Random(3));

        var answer = changed[2].Content;
        var facts = TextUnits.KeyFacts(answer.Replace(" [1]", "", StringComparison.Ordinal));
        Assert.Equal(2, facts.Count);
        Assert.DoesNotContain("7", facts);
        Assert.DoesNotContain("10", facts);
        Assert.Equal(1, facts[0].Length);
        Assert.Equal(2, facts[1].Length);
        // The context still answers the question, with the new values, and the question names the same new Cell.
        Assert.Contains(answer.Replace(" [1]", "", StringComparison.Ordinal), changed[0].Content, StringComparison.Ordinal);
        Assert.Contains($"Cell {facts[1]}", changed[1].Content, StringComparison.Ordinal);
        Assert.Equal(Conversation.Select(m => m.Role), changed.Select(m => m.Role));
    }

    [Fact]
    public void Citation_markers_keep_their_numbers_when_the_answer_holds_the_same_number()
    {
        ChatMessage[] conversation =
        [
            ChatMessage.System("Context:\n[1] Hub\nThe Hub has 1 port.\n\n[2] Cell\nThe Cell has 2 fans."),
            ChatMessage.User("How many ports does the Hub have?"),
            ChatMessage.Assistant("The Hub has 1 port. [1]"),
        ];

        var changed = CounterfactualFacts.Apply(conversation, "The Hub has 1 port.", new Random(2));

        Assert.StartsWith("Context:\n[1] Hub\nThe Hub has ", changed[0].Content, StringComparison.Ordinal);
        Assert.DoesNotContain("has 1 port", changed[0].Content, StringComparison.Ordinal);
        Assert.Matches(@"^The Hub has [2-9] port\. \[1\]$", changed[2].Content);
    }

    [Fact]
    public void Facts_of_the_domain_s_own_text_stay_so_the_support_number_and_decline_never_change()
    {
        ChatMessage[] conversation =
        [
            ChatMessage.System("Call support on 0800 555 0142.\n\nContext:\n[1] Support\nThe line 0800 555 0142 opens at 08:00."),
            ChatMessage.User("When does the line open?"),
            ChatMessage.Assistant("The line 0800 555 0142 opens at 08:00. [1]"),
        ];

        var changed = CounterfactualFacts.Apply(conversation, "The line 0800 555 0142 opens at 08:00.", new Random(2), keepFactsOf: "Call support on 0800 555 0142.");

        Assert.Equal(2, changed[0].Content.Split("0800 555 0142").Length - 1);
        Assert.DoesNotContain("08:00", changed[0].Content, StringComparison.Ordinal);
        Assert.Matches(@"^The line 0800 555 0142 opens at 0\d:\d\d\. \[1\]$", changed[2].Content);
    }

    [Fact]
    public void Only_whole_tokens_change_so_longer_numbers_and_codes_that_contain_a_fact_stay()
    {
        var changed = CounterfactualFacts.Apply(Conversation, "Peak power is 7 kW for 10 seconds.", new Random(5));

        Assert.Contains("10.2 kWh", changed[0].Content, StringComparison.Ordinal);
        Assert.Contains("SM-10 rack", changed[0].Content, StringComparison.Ordinal);
        Assert.Contains("holds 2 modules", changed[0].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_without_numbers_or_codes_leaves_the_conversation_as_it_is()
    {
        var same = CounterfactualFacts.Apply(Conversation, "Self-Use mode is the default mode.", new Random(1));
        Assert.Same(Conversation, same);
    }

    [Fact]
    public void Leading_digits_stay_non_zero_and_separators_stay()
    {
        var conversation = new[] { ChatMessage.System("Open 09:00 to 17:30, price 1,299."), ChatMessage.Assistant("Open 09:00 to 17:30, price 1,299.") };
        for (var seed = 0; seed < 50; seed++)
        {
            var facts = TextUnits.KeyFacts(CounterfactualFacts.Apply(conversation, conversation[1].Content, new Random(seed))[1].Content);
            Assert.Equal(3, facts.Count);
            Assert.Matches(@"^0\d:\d\d$", facts[0]);
            Assert.Matches(@"^[1-9]\d:\d\d$", facts[1]);
            Assert.Matches(@"^[1-9],\d\d\d$", facts[2]);
        }
    }
}
