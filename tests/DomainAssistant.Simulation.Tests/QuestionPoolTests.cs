using DomainAssistant.Grounding;
using DomainAssistant.Simulation;

namespace DomainAssistant.Simulation.Tests;

public sealed class QuestionPoolTests
{
    static string Domain(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln"))) return Path.Combine(dir.FullName, "domains", name);
        throw new DirectoryNotFoundException("no repository root above the test assembly");
    }

    [Theory]
    [InlineData("tidewell-support")]
    [InlineData("fernbrook-recycling")]
    public void Simulated_users_never_ask_a_held_out_question(string name)
    {
        var domain = DomainFile.Read(Domain(name));
        var pool = QuestionPool.For(domain, perSentence: 1, seed: 1);
        var heldOut = QaPair.Read(domain.HeldOutQaPath!).Select(p => TextUnits.Normalise(p.Question)).ToHashSet(StringComparer.Ordinal);
        var train = QaPair.Read(domain.TrainQaPath!).Count;

        Assert.True(pool.Questions.Count > train, $"{pool.Questions.Count} questions: the corpus sentences should add to the {train} written ones");
        Assert.DoesNotContain(pool.Questions, q => heldOut.Contains(TextUnits.Normalise(q.Text)));
        Assert.True(pool.HeldOutSkipped > 0, "the held-out guard should have left out the template questions about held-out answers' sentences");
        Assert.All(pool.Questions, q => Assert.True(File.Exists(Path.Combine(domain.CorpusFolder, q.GoldDocument)), q.GoldDocument));
    }
}
