using DomainAssistant.Grounding.Tests.Support;

namespace DomainAssistant.Grounding.Tests;

/// <summary>
/// Specifies a domain's decline and held-out file: domain.json's "decline" and "qa.heldout" are read (paths made
/// absolute under the domain folder); without "decline" the decline is made from the system prompt's own decline
/// instruction, keeping the support number it names, and falls back to a plain "I do not know" without one.
/// </summary>
public sealed class DomainProfileTests
{
    const string Plain = "I do not know the answer from the documents I have.";

    [Fact]
    public void The_decline_of_each_sample_prompt_keeps_the_support_number_of_its_decline_instruction()
    {
        var tidewell = DomainFile.Read(RepositoryFiles.Domain("tidewell-support"));
        var fernbrook = DomainFile.Read(RepositoryFiles.Domain("fernbrook-recycling"));

        // Tidewell's prompt names two more numbers (112 and the emergency line 0800 555 0199) in its safety sentence.
        Assert.Equal($"{Plain} Please call support on 0800 555 0142.", DeclineText.From(tidewell.SystemPrompt));
        Assert.Equal($"{Plain} Please call support on 0300 555 0178.", DeclineText.From(fernbrook.SystemPrompt));
    }

    [Theory]
    [InlineData("You are a helpful assistant. Answer from the context.")]
    [InlineData("If the context does not contain the answer, say so.")]
    [InlineData("In an emergency call 0800 555 0199. If you do not know the answer, say so.")]
    [InlineData("")]
    public void Without_a_number_in_the_decline_instruction_the_decline_is_plain(string systemPrompt) =>
        Assert.Equal(Plain, DeclineText.From(systemPrompt));

    [Fact]
    public void A_number_with_a_country_code_is_kept_whole() =>
        Assert.Equal($"{Plain} Please call support on +44 20 7946 0958.",
            DeclineText.From("Answer briefly. If you don't know, ask the user to ring +44 20 7946 0958."));

    [Fact]
    public void Domain_json_decline_and_held_out_file_are_read()
    {
        using var folder = new TempFolder();
        folder.Write("domain.json", """
            {"name": "desk", "systemPrompt": "Help. If the context does not contain the answer, say you do not know and call 0123 456 789.",
             "decline": "Sorry, please ask at the desk.", "qa": {"train": "qa/train.jsonl", "heldout": "qa/heldout.jsonl"}}
            """);

        var profile = DomainFile.Read(folder.Path);

        Assert.Equal("Sorry, please ask at the desk.", profile.Decline);
        Assert.Equal(Path.Combine(folder.Path, "qa", "heldout.jsonl"), profile.HeldOutQaPath);
        Assert.Equal(Path.Combine(folder.Path, "qa", "train.jsonl"), profile.TrainQaPath);
    }

    [Fact]
    public void Without_decline_or_held_out_file_the_decline_comes_from_the_prompt_and_nothing_is_held_out()
    {
        using var folder = new TempFolder();
        folder.Write("domain.json", """
            {"name": "desk", "systemPrompt": "Help. If the context does not contain the answer, say you do not know and call 0123 456 789.",
             "qa": {"train": "qa/train.jsonl"}}
            """);

        var profile = DomainFile.Read(folder.Path);

        Assert.Equal($"{Plain} Please call support on 0123 456 789.", profile.Decline);
        Assert.Null(profile.HeldOutQaPath);
        Assert.Same(HeldOutGuard.None, HeldOutGuard.For(profile));
    }

    [Fact]
    public void A_decline_that_is_not_a_string_is_refused_naming_the_file_and_field()
    {
        using var folder = new TempFolder();
        folder.Write("domain.json", """{"systemPrompt": "Help.", "decline": 42}""");

        var error = Assert.Throws<InvalidDataException>(() => DomainFile.Read(folder.Path));
        Assert.Contains("domain.json", error.Message);
        Assert.Contains("\"decline\" must be a string", error.Message);
    }

    [Fact]
    public void The_sample_domains_name_their_own_decline_and_an_existing_held_out_file()
    {
        var tidewell = DomainFile.Read(RepositoryFiles.Domain("tidewell-support"));

        Assert.Equal("I do not know the answer to that. Please call Tidewell support on 0800 555 0142.", tidewell.Decline);
        Assert.True(File.Exists(tidewell.HeldOutQaPath), tidewell.HeldOutQaPath);
        Assert.NotEqual(tidewell.TrainQaPath, tidewell.HeldOutQaPath);
    }
}
