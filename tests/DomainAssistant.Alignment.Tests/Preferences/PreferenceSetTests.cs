using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Alignment.Preferences;

namespace DomainAssistant.Alignment.Tests.Preferences;

/// <summary>From votes to preference data: which votes count, which pairs form, and what the summary says.</summary>
public sealed class PreferenceSetTests
{
    static int _line;

    static FeedbackVote Vote(string prompt, string response, bool up, string? user = null, string? message = null, int minute = 0, string? id = null, string? adapter = null) => new()
    {
        Prompt = prompt, Response = response, IsUp = up, User = user, MessageId = message, FeedbackId = id, AdapterChecksum = adapter,
        At = new DateTimeOffset(2026, 12, 1, 0, minute, 0, TimeSpan.Zero), Line = ++_line,
    };

    [Fact]
    public void A_users_latest_vote_on_a_message_wins()
    {
        var set = PreferenceSet.Build([Vote("p", "a", up: true, "u", "m1", minute: 5), Vote("p", "a", up: false, "u", "m1", minute: 1)], new PreferenceOptions());

        var kept = Assert.Single(set.Votes);
        Assert.True(kept.IsUp);
        Assert.Equal(1, set.Summary.Superseded);
    }

    [Fact]
    public void Duplicates_and_empty_answers_are_dropped()
    {
        var set = PreferenceSet.Build(
            [Vote("p", "a", true, id: "f1"), Vote("p", "a", true, id: "f1"), Vote("p", "  ", false, id: "f2"), Vote("q", "b", false, id: "f3")],
            new PreferenceOptions());

        Assert.Equal(2, set.Summary.Kept);
        Assert.Equal((1, 1), (set.Summary.Duplicates, set.Summary.EmptyResponses));
    }

    [Fact]
    public void One_user_keeps_only_their_latest_votes_up_to_the_cap()
    {
        var votes = Enumerable.Range(0, 10).Select(i => Vote($"p{i}", "a", up: i % 2 == 0, "heavy", minute: i)).Append(Vote("x", "y", true, "light")).ToList();

        var set = PreferenceSet.Build(votes, new PreferenceOptions { MaxVotesPerUser = 3 });

        Assert.Equal(["p7", "p8", "p9", "x"], set.Votes.Select(v => v.Prompt));
        Assert.Equal(7, set.Summary.OverUserCap);
        Assert.Equal(2, set.Summary.Users);
    }

    [Fact]
    public void A_prompt_with_an_up_and_a_down_answer_makes_pairs()
    {
        var set = PreferenceSet.Build(
            [Vote("p", "good", true, "u1"), Vote("p", "bad", false, "u2"), Vote("p", "worse", false, "u3"), Vote("q", "only", true, "u1")],
            new PreferenceOptions());

        Assert.Equal([new PreferencePair("p", "good", "bad"), new PreferencePair("p", "good", "worse")], set.Pairs);
        Assert.Equal(2, set.Summary.Prompts);
    }

    [Fact]
    public void The_summary_splits_votes_by_adapter_and_records_the_window()
    {
        var set = PreferenceSet.Build(
            [Vote("p", "a", true, "u1", adapter: "v1", minute: 3) with { Sequence = 7 }, Vote("q", "b", false, "u2", minute: 9) with { Sequence = 9 }, Vote("r", "c", true, "u3", adapter: "v1", minute: 1) with { Sequence = 5 }],
            new PreferenceOptions());

        Assert.Equal(2.0 / 3, set.Summary.UpRate, 6);
        Assert.Equal(new VoteSplit(2, 2, 1.0), set.Summary.ByAdapter["v1"]);
        Assert.Equal(new VoteSplit(1, 0, 0.0), set.Summary.ByAdapter["base"]);
        Assert.Equal((5L, 9L), (set.Summary.Window.FirstSequence, set.Summary.Window.LastSequence));
    }

    [Fact]
    public void Too_few_votes_end_with_a_clear_message()
    {
        var set = PreferenceSet.Build([Vote("p", "a", true), Vote("q", "b", false)], new PreferenceOptions());

        var error = Assert.Throws<InvalidDataException>(() => set.EnsureEnough(new PreferenceOptions { MinVotes = 8 }));

        Assert.Contains("too few votes to train on: 2 usable", error.Message, StringComparison.Ordinal);
        Assert.Contains("No model was written", error.Message, StringComparison.Ordinal);
    }
}
