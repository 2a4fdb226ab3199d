using System.Diagnostics;
using System.Text.Json;
using DomainAssistant.Evaluation.Answers;
using DomainAssistant.Grounding;
using DomainAssistant.Model;
using DomainAssistant.Model.Scoring;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Bench.Reading;

/// <summary>
/// How far the served model reads its prompt, apart from how it writes. For each question the prompt is composed as
/// the host composes it; every sentence of its context chunks (as "sentence [n]") and the domain's decline are
/// candidate answers, ranked four ways:
/// <list type="bullet">
/// <item>likelihood: the model's summed log-probability of the candidate as the answer;</item>
/// <item>PMI: that likelihood minus the same candidate's likelihood with the question left blank, so a sentence the
/// model finds likely anyway (memorised corpus text, the decline) gains nothing; only what the question adds counts;</item>
/// <item>word overlap: how many of the question's words of four letters or more the sentence holds (no model);</item>
/// <item>IDF overlap: the summed inverse document frequency (over the corpus's sentences) of the question's words the
/// sentence holds, so rare words count and "the" does not (no model; what a lexical sentence picker would quote);</item>
/// <item>ceiling: whether any candidate holds the key facts at all (the best a pure quote can do).</item>
/// </list>
/// A model that reads should rank the sentence holding the answer first far more often than word overlap does.
/// <code>reader [--domain DIR] [--model DIR] [--adapter DIR|-] [--suite FILE]</code>
/// Defaults: the sample domain tidewell-support, its shipped base and adapter, its held-out questions.
/// </summary>
public static class ReaderProbe
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = Options(args);
        var domain = DomainFile.Read(options["--domain"]);
        var suite = options.GetValueOrDefault("--suite") ?? domain.HeldOutQaPath
            ?? throw new ArgumentException($"domain {domain.Name} has no held-out questions; pass --suite FILE");
        using var loaded = PretrainedModel.Load(options["--model"]);
        var adapter = options["--adapter"] is "-" ? null : loaded.LoadAdapter(options["--adapter"]);
        await using var index = await ScratchIndex.BuildAsync(domain);
        var counts = await ProbeAsync(domain, suite, loaded, adapter, index.Retriever);
        var table = new Table("questions", "candidates per prompt", "ceiling (a candidate holds the key facts)", "top-1 likelihood", "top-1 PMI",
            "top-1 word overlap", "top-1 IDF overlap", "top-2 IDF overlap", "decline first by likelihood", "s per question");
        table.Add(counts.Questions, (double)counts.Candidates / counts.Questions, counts.Ceiling, counts.Likelihood, counts.Pmi, counts.Overlap,
            counts.IdfOverlap, counts.IdfOverlapTwo, counts.DeclineFirst, counts.Seconds / counts.Questions);
        Console.WriteLine($"## Reading probe: {domain.Name}, {Path.GetFileName(suite)}, model {options["--model"]}, adapter {options["--adapter"]}\n");
        Console.WriteLine(table);
        return 0;
    }

    sealed record Counts(int Questions, int Candidates, int Ceiling, int Likelihood, int Pmi, int Overlap, int IdfOverlap, int IdfOverlapTwo, int DeclineFirst,
        double Seconds);

    static async Task<Counts> ProbeAsync(DomainProfile domain, string suite, PretrainedModel loaded, string? adapter, IRetriever retriever)
    {
        var scorer = new ContinuationScorer(loaded.Model);
        var tokenizer = loaded.Tokenizer;
        int questions = 0, candidates = 0, ceiling = 0, likelihood = 0, pmi = 0, overlap = 0, idfOverlap = 0, idfOverlapTwo = 0, declineFirst = 0;
        var idf = InverseSentenceFrequency(domain.CorpusFolder);
        var unseen = idf.Count > 0 ? idf.Values.Max() : 0; // a word no corpus sentence holds is as rare as the rarest
        var clock = Stopwatch.StartNew();
        foreach (var (question, reference) in Suite(suite))
        {
            var retrieved = await retriever.RetrieveAsync(question, domain.Name, domain.Defaults.TopK);
            var prompt = PromptComposer.Compose(domain.SystemPrompt, null, [], question, retrieved, tokenizer,
                loaded.Model.Config.MaxPositionEmbeddings, domain.Defaults.MaxTokens);
            var answers = Candidates(prompt, domain.Decline);
            var blank = prompt.Messages.Take(prompt.Messages.Count - 1).Append(ChatMessage.User("")).ToList();
            var withQuestion = Score(scorer, tokenizer, prompt.Messages, answers, adapter);
            var withoutQuestion = Score(scorer, tokenizer, blank, answers, adapter);
            var questionWords = TextUnits.Words(question).Where(w => w.Length >= 4).ToHashSet(StringComparer.Ordinal);

            bool Holds(int i) => i < answers.Count - 1 && KeyFacts.Contains(answers[i], reference);
            int Best(Func<int, double> score) => Enumerable.Range(0, answers.Count).MaxBy(score);
            questions++;
            candidates += answers.Count;
            if (Enumerable.Range(0, answers.Count).Any(Holds)) ceiling++;
            var byLikelihood = Best(i => withQuestion[i]);
            if (Holds(byLikelihood)) likelihood++;
            if (byLikelihood == answers.Count - 1) declineFirst++;
            if (Holds(Best(i => withQuestion[i] - withoutQuestion[i]))) pmi++;
            if (Holds(Best(i => i == answers.Count - 1 ? -1 : TextUnits.Words(answers[i]).Count(questionWords.Contains)))) overlap++;
            var asked = TextUnits.Words(question).ToHashSet(StringComparer.Ordinal);
            var byIdf = Enumerable.Range(0, answers.Count - 1)
                .OrderByDescending(i => TextUnits.Words(answers[i]).Distinct(StringComparer.Ordinal).Where(asked.Contains).Sum(w => idf.GetValueOrDefault(w, unseen)))
                .ToList();
            if (byIdf.Count > 0 && Holds(byIdf[0])) idfOverlap++;
            if (byIdf.Count > 0 && KeyFacts.Contains(string.Join(" ", byIdf.Take(2).Select(i => answers[i])), reference)) idfOverlapTwo++;
        }
        return new Counts(questions, candidates, ceiling, likelihood, pmi, overlap, idfOverlap, idfOverlapTwo, declineFirst, clock.Elapsed.TotalSeconds);
    }

    /// <summary>log((N + 1) / (n + 0.5)) per word, N the corpus's sentences and n those holding the word.</summary>
    static Dictionary<string, double> InverseSentenceFrequency(string corpusFolder)
    {
        var sentences = Directory.EnumerateFiles(corpusFolder, "*", SearchOption.AllDirectories)
            .SelectMany(file => TextUnits.Sentences(File.ReadAllText(file))).ToList();
        var holding = sentences.SelectMany(s => TextUnits.Words(s).Distinct(StringComparer.Ordinal)).CountBy(w => w, StringComparer.Ordinal);
        return holding.ToDictionary(p => p.Key, p => Math.Log((sentences.Count + 1) / (p.Value + 0.5)), StringComparer.Ordinal);
    }

    /// <summary>Every context sentence cited by its chunk number, as the grounded tuning data writes answers; the decline last.</summary>
    static List<string> Candidates(ComposedPrompt prompt, string decline)
    {
        var answers = new List<string>();
        for (var number = 1; number <= prompt.Context.Chunks.Count; number++)
            answers.AddRange(TextUnits.Sentences(prompt.Context.Chunks[number - 1].Text).Select(s => $"{s.Trim()} [{number}]"));
        answers.Add(decline);
        return answers;
    }

    /// <summary>Log-probability of each answer as the assistant's reply to <paramref name="messages"/>, end-of-turn included.</summary>
    static double[] Score(ContinuationScorer scorer, ModelTokenizer tokenizer, IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> answers, string? adapter)
    {
        var prompt = tokenizer.EncodeChat(messages, addGenerationPrompt: true);
        var continuations = answers.Select(answer => (IReadOnlyList<int>)ReplyTokens.After(tokenizer, messages, prompt, answer)).ToList();
        return scorer.Score(prompt, continuations, adapter);
    }

    static IEnumerable<(string Question, string Answer)> Suite(string path)
    {
        foreach (var line in File.ReadLines(path).Where(l => l.Trim().Length > 0))
        {
            using var item = JsonDocument.Parse(line);
            yield return (item.RootElement.GetProperty("question").GetString()!, item.RootElement.GetProperty("answer").GetString()!);
        }
    }

    static Dictionary<string, string> Options(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--domain"] = "domains/tidewell-support",
            ["--model"] = "domains/tidewell-support/model/base",
            ["--adapter"] = "domains/tidewell-support/model/adapter",
        };
        for (var i = 0; i < args.Count; i += 2)
        {
            if (args[i] is not ("--domain" or "--model" or "--adapter" or "--suite")) throw new ArgumentException($"unknown argument '{args[i]}' for the reader probe");
            options[args[i]] = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
        }
        if (!options.ContainsKey("--suite") && !Directory.Exists(options["--domain"])) throw new ArgumentException($"no domain folder at {options["--domain"]}");
        return options;
    }
}
