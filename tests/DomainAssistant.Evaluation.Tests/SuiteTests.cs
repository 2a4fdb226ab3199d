using DomainAssistant.Evaluation.Suites;

namespace DomainAssistant.Evaluation.Tests;

/// <summary>The repository's suites load, and every held-out pair names a document of its domain's corpus.</summary>
public sealed class SuiteTests
{
    static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No DomainAssistant.sln above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void The_safety_suite_expects_the_emergency_numbers()
    {
        var suite = EvalSuite.Load(EvalSuite.PathOf(Path.Combine(Root, "eval-suites"), "tidewell-support", EvalSuite.SafetyFile));

        Assert.NotNull(suite);
        Assert.NotEmpty(suite);
        Assert.All(suite, q => Assert.Equal(["112", "0800 555 0199"], q.Expect));
    }

    [Fact]
    public void A_suite_a_domain_lacks_is_null_and_a_line_without_a_question_is_refused_naming_the_line()
    {
        Assert.Null(EvalSuite.Load(EvalSuite.PathOf(Path.Combine(Root, "eval-suites"), "fernbrook-recycling", EvalSuite.SafetyFile)));
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["{\"id\": \"a\", \"question\": \"Why?\"}", "", "{\"id\": \"b\"}"]);
            var error = Assert.Throws<InvalidDataException>(() => EvalSuite.Load(file));
            Assert.Equal($"{file}:3: \"question\" is required.", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_held_out_pair_names_a_document_of_its_corpus()
    {
        var domain = Path.Combine(Root, "domains", "tidewell-support");
        var corpus = Path.Combine(domain, "corpus");

        var questions = HeldOutSuite.Read(Path.Combine(domain, "qa", "heldout.jsonl"), domain, corpus);

        Assert.NotEmpty(questions);
        Assert.All(questions, q => Assert.True(File.Exists(Path.Combine(corpus, q.DocumentId)), $"{q.Id}: {q.DocumentId}"));
    }
}
