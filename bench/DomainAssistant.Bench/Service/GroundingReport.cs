using static DomainAssistant.Bench.Service.ReportText;

using DomainAssistant.Evaluation.Answers;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Prints the grounding figures as Markdown tables: citation precision and false declines on the held-out answers,
/// where the wrong answers come from, and the out-of-domain and safety suites.
/// </summary>
public static class GroundingReport
{
    /// <summary>Citation precision and false decline rate (<see cref="CitationPrecision"/>).</summary>
    public static void PrintCitations(SampleDomain domain, CitationPrecision.Result r)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(r);
        var table = new Table("answered", "cite a chunk", "citation precision", "cite the gold document (with others)", "correct among citing",
            "declines", "false decline rate");
        table.Add(r.Answered, Count(r.Citing, r.Answered), Count(r.AllGold, r.Citing), Count(r.SomeGold, r.Citing), Count(r.CorrectCiting, r.Citing),
            r.Declined, Ratio(r.Declined, r.Answered));
        Console.WriteLine($"### Citations and declines ({domain.Name} held-out questions, the answers above)\n");
        Console.WriteLine(table);
        Console.WriteLine("Citation precision: of the answers citing at least one chunk (`domain_assistant.citations`), those whose cited chunks " +
            "all come from the pair's source document. False decline rate: held-out questions (all answerable from the corpus) answered with a " +
            "decline (src/DomainAssistant.Evaluation/Answers/Declines.cs: the domain's decline, \"do not know\" or \"don't know\").\n");
    }

    /// <summary>The error sources table (<see cref="ErrorSources"/>).</summary>
    public static void PrintErrorSources(SampleDomain domain, ErrorSources.Result r, bool exactRetrieval)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(r);
        var table = new Table("cause", "answers", "of wrong answers", "of answered questions", "meaning");
        foreach (var (source, meaning) in Meanings)
        {
            if (source == ErrorSource.Unknown && r.Counts[source] == 0) continue;
            table.Add(Name(source), r.Counts[source], Ratio(r.Counts[source], r.Wrong), Ratio(r.Counts[source], r.Answered), meaning);
        }
        table.Add("**all wrong**", r.Wrong, Ratio(r.Wrong, r.Wrong), Ratio(r.Wrong, r.Answered), "key facts missing (KeyFacts.cs)");
        Console.WriteLine($"### Where the errors come from ({domain.Name} held-out questions answered wrong)\n");
        Console.WriteLine(table);
        Console.WriteLine($"Each wrong answer counts once, under the first cause that applies, top to bottom; the prompt's chunks come from the " +
            $"answer's stored lineage, the retrieved ones from the host's retriever over the host's own index (top {domain.TopK}). " +
            "A decline without the gold chunk in the prompt counts as a retrieval miss or a truncation, not as a false decline. " +
            $"Retrieval check: {r.PromptsOutsideRetrieval} of {r.Answered} prompts held a document the benchmark's retriever did not return (0: it retrieved as the host did).\n");
        if (!exactRetrieval)
            Console.WriteLine("**Approximate:** the host ran with Retrieval:Embeddings=Model; the retrieval-miss/truncation split used the hashing dense leg.\n");
        foreach (var (source, (question, reference, answer)) in r.Examples.OrderBy(e => e.Key))
            Console.WriteLine($"- {Name(source)}: Q: {question} | reference: {reference} | answer: {OneLine(answer)}");
        Console.WriteLine();
    }

    /// <summary>Asks the domain's out-of-domain and safety suites and prints their table; says so when the domain has neither.</summary>
    public static async Task PrintSuitesAsync(HttpClient http, SampleDomain domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var outOfDomain = EvalSuite.Load(domain.Name, EvalSuite.OutOfDomainFile);
        var safety = EvalSuite.Load(domain.Name, EvalSuite.SafetyFile);
        if (outOfDomain is null && safety is null)
        {
            Console.WriteLine($"No out-of-domain or safety suite for {domain.Name} (eval-suites/{domain.Name}/{EvalSuite.OutOfDomainFile}, {EvalSuite.SafetyFile}).\n");
            return;
        }
        var table = new Table("suite", "questions", "answered", "declined", "decline rate", "holds the safety instruction", "cite a chunk", "errors");
        var notes = new List<string>();
        if (outOfDomain is not null)
        {
            var r = OutOfDomainDeclines.Of(await EvalSuite.AskAsync(http, domain.Name, outOfDomain), domain.Decline);
            table.Add(EvalSuite.OutOfDomainFile, r.Questions, r.Answered, r.Declined, Ratio(r.Declined, r.Answered), "-", r.Citing, r.Questions - r.Answered);
            if (r.FirstError is not null) notes.Add($"First error ({EvalSuite.OutOfDomainFile}): {r.FirstError}");
            notes.AddRange(r.NotDeclined.Select(e => $"- not declined: Q: {e.Question} | answer: {OneLine(e.Answer)}"));
        }
        if (safety is not null)
        {
            var r = SafetyAnswers.Of(await EvalSuite.AskAsync(http, domain.Name, safety), domain.Decline);
            table.Add(EvalSuite.SafetyFile, r.Questions, r.Answered, r.Declined, Ratio(r.Declined, r.Answered), Count(r.WithInstruction, r.Answered), "-",
                r.Questions - r.Answered);
            if (r.FirstError is not null) notes.Add($"First error ({EvalSuite.SafetyFile}): {r.FirstError}");
            notes.AddRange(r.Missing.Select(e => $"- no safety instruction: Q: {e.Question} | answer: {OneLine(e.Answer)}"));
        }
        Console.WriteLine($"### Out-of-domain and safety questions (eval-suites/{domain.Name}/, POST /v1/chat/completions, temperature 0)\n");
        Console.WriteLine(table);
        Console.WriteLine("Out-of-domain: questions the corpus cannot answer; a decline is the right answer (Declines.cs). Safety: the answer must hold " +
            "every fact of the line's `expect` list (the system prompt's emergency instruction) as whole tokens.\n");
        foreach (var note in notes) Console.WriteLine(note);
        Console.WriteLine($"\nLoad average after: {LoadAverage()}\n");
    }

    static readonly (ErrorSource Source, string Meaning)[] Meanings =
    [
        (ErrorSource.RetrievalMiss, "the gold document is not among the retrieved chunks"),
        (ErrorSource.PromptTruncation, "retrieved, but the prompt composer dropped it to fit the context"),
        (ErrorSource.FalseDecline, "the gold chunk was in the prompt, the answer declines"),
        (ErrorSource.WrongChunk, "the gold chunk was in the prompt, the answer cites only other documents"),
        (ErrorSource.CopyError, "the gold chunk was in the prompt, cited or not, the key facts wrong"),
        (ErrorSource.Unknown, "retrieved, but the answer has no stored lineage"),
    ];

    static string Name(ErrorSource source) => source switch
    {
        ErrorSource.RetrievalMiss => "retrieval miss",
        ErrorSource.PromptTruncation => "prompt truncation",
        ErrorSource.FalseDecline => "false decline",
        ErrorSource.WrongChunk => "wrong chunk",
        ErrorSource.CopyError => "copy error",
        _ => "unknown",
    };
}
