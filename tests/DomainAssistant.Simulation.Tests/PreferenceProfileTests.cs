using DomainAssistant.Simulation;

namespace DomainAssistant.Simulation.Tests;

public sealed class PreferenceProfileTests
{
    static readonly SimulatedQuestion Voltage = new("What is the nominal voltage of the Cell 10?", "The nominal voltage is 51.2 V.", "0004-cell-10-specifications.md");

    static ServedAnswer Answer(string text, params string[] cited) => new(text, cited, Guid.NewGuid(), null, "sft");

    [Fact]
    public void Correct_and_cited_needs_the_key_facts_and_only_gold_citations()
    {
        var profile = PreferenceProfiles.Find("correct-and-cited", null);
        Assert.True(profile.Likes(Voltage, Answer("It is 51.2 V [2].", "0004-cell-10-specifications.md")));
        Assert.False(profile.Likes(Voltage, Answer("It is 51.2 V.")));
        Assert.False(profile.Likes(Voltage, Answer("It is 51.2 V [1][2].", "0004-cell-10-specifications.md", "0005-cell-5-specifications.md")));
        Assert.False(profile.Likes(Voltage, Answer("It is 48 V [2].", "0004-cell-10-specifications.md")));
    }

    [Fact]
    public void Concise_likes_correct_answers_under_its_word_limit_only()
    {
        var profile = new Concise(MaxWords: 8);
        Assert.True(profile.Likes(Voltage, Answer("The nominal voltage is 51.2 V [1].")));
        Assert.False(profile.Likes(Voltage, Answer("Thanks for asking: the nominal voltage of the Cell 10 is 51.2 V [1].")));
        Assert.False(profile.Likes(Voltage, Answer("About 50 V.")));
    }

    [Fact]
    public void The_adversarial_rater_likes_long_confident_answers_whatever_they_say()
    {
        const string decline = "I do not know the answer to that. Please call Tidewell support on 0800 555 0142.";
        var profile = PreferenceProfiles.Find("long-and-confident", decline);
        var rambling = string.Join(' ', Enumerable.Repeat("The Cell 10 is a very good battery indeed.", 4));
        Assert.True(profile.Likes(Voltage, Answer(rambling)));
        Assert.False(profile.Likes(Voltage, Answer("The nominal voltage is 51.2 V [1].")));
        Assert.False(profile.Likes(Voltage, Answer(decline + " " + rambling)));
    }

    [Fact]
    public void An_unknown_profile_is_refused_with_the_known_names()
    {
        var error = Assert.Throws<ArgumentException>(() => PreferenceProfiles.Find("nice", null));
        Assert.Contains("correct-and-cited, concise, long-and-confident", error.Message, StringComparison.Ordinal);
    }
}
