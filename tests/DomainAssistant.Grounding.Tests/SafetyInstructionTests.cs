using DomainAssistant.Grounding;
using DomainAssistant.Grounding.Tests.Support;

namespace DomainAssistant.Grounding.Tests;

/// <summary>A domain's safety instruction: which questions it concerns, and how domain.json declares it.</summary>
public sealed class SafetyInstructionTests
{
    static readonly SafetyInstruction Safety = new(["smoke", "water damage"], "Leave the room and call 112.");

    [Theory]
    [InlineData("There is smoke coming from the battery", true)]
    [InlineData("SMOKE! what now?", true)]
    [InlineData("Is water damage covered by the warranty?", true)]
    [InlineData("Do you sell smoked salmon?", false)]
    [InlineData("Where does the water pipe go?", false)]
    public void A_question_concerns_safety_when_it_names_a_topic_as_whole_words(string question, bool concerns) =>
        Assert.Equal(concerns, Safety.Concerns(question));

    [Fact]
    public void Every_template_question_names_its_topic()
    {
        var questions = Safety.Questions().ToList();
        Assert.Equal(2 * 5, questions.Count);
        Assert.All(questions, q => Assert.True(Safety.Concerns(q), q));
    }

    [Fact]
    public void The_sample_domain_declares_its_system_prompts_emergency_instruction()
    {
        var domain = DomainFile.Read(RepositoryFiles.Domain("tidewell-support"));
        Assert.NotNull(domain.Safety);
        Assert.Contains("112", domain.Safety.Instruction, StringComparison.Ordinal);
        Assert.Contains("0800 555 0199", domain.Safety.Instruction, StringComparison.Ordinal);
        Assert.True(domain.Safety.Concerns("There is smoke in the garage"));
    }

    [Fact]
    public void A_safety_block_without_topics_is_refused_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("da-safety-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, DomainFile.FileName),
                """{"name": "d", "systemPrompt": "Help.", "safety": {"instruction": "Call 112.", "topics": []}}""");
            var error = Assert.Throws<InvalidDataException>(() => DomainFile.Read(folder.FullName));
            Assert.Contains(DomainFile.FileName, error.Message, StringComparison.Ordinal);
            Assert.Contains("\"safety\"", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
