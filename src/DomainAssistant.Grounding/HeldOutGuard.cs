namespace DomainAssistant.Grounding;

/// <summary>
/// Keeps a domain's held-out questions out of training: no training question may be a held-out question, no training
/// answer may quote the sentence a held-out answer comes from, and no training answer may restate a held-out answer
/// (word F1 at least <see cref="AnswerOverlap"/>, or holding its whole wording), wherever in the corpus it comes from:
/// the sample corpora state some facts in more than one document. A held-out answer's source sentences are the
/// sentences of its source document that carry all of its key facts, or whose wording overlaps it (word F1 at least
/// <see cref="SourceOverlap"/>); the best-overlapping sentence always counts.
/// </summary>
public sealed class HeldOutGuard
{
    /// <summary>Word-overlap F1 from which a corpus sentence counts as the source of a held-out answer.</summary>
    public const double SourceOverlap = 0.5;

    /// <summary>Word-overlap F1 from which a training answer restates a held-out answer.</summary>
    public const double AnswerOverlap = 0.8;

    readonly HashSet<string> _questions;
    readonly HashSet<string> _sentences;
    readonly string[] _answers;

    HeldOutGuard(HashSet<string> questions, HashSet<string> sentences, string[] answers) =>
        (_questions, _sentences, _answers) = (questions, sentences, answers);

    /// <summary>A guard that lets everything through (a domain without held-out questions).</summary>
    public static HeldOutGuard None { get; } = new([], [], []);

    /// <summary>Reads <see cref="DomainProfile.HeldOutQaPath"/> and finds each answer's source sentences in its document.</summary>
    public static HeldOutGuard For(DomainProfile domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.HeldOutQaPath is null || !File.Exists(domain.HeldOutQaPath)) return None;
        var pairs = QaPair.Read(domain.HeldOutQaPath);
        var sentences = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var document = pair.Source is null ? null : Path.GetFullPath(Path.Combine(domain.Folder, pair.Source));
            var candidates = document is not null && File.Exists(document)
                ? TextUnits.Sentences(File.ReadAllText(document)).ToList()
                : Directory.EnumerateFiles(domain.CorpusFolder, "*", SearchOption.AllDirectories).SelectMany(f => TextUnits.Sentences(File.ReadAllText(f))).ToList();
            foreach (var sentence in SourcesOf(pair.Answer, candidates)) sentences.Add(TextUnits.Normalise(sentence));
        }
        return new HeldOutGuard([.. pairs.Select(p => TextUnits.Normalise(p.Question))], sentences,
            [.. pairs.Select(p => TextUnits.Normalise(p.Answer)).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>Whether a training pair would leak a held-out question, restate a held-out answer or quote a held-out answer's source sentence.</summary>
    public bool Leaks(string question, string answer)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(answer);
        if (_questions.Contains(TextUnits.Normalise(question))) return true;
        var text = TextUnits.Normalise(answer);
        if (text.Length == 0) return false;
        if (_answers.Any(a => TextUnits.OverlapF1(text, a) >= AnswerOverlap || $" {text} ".Contains($" {a} ", StringComparison.Ordinal))) return true;
        return _sentences.Any(s => text.Contains(s, StringComparison.Ordinal) || s.Contains(text, StringComparison.Ordinal));
    }

    static IEnumerable<string> SourcesOf(string answer, List<string> sentences)
    {
        if (sentences.Count == 0) yield break;
        var facts = TextUnits.KeyFacts(answer.ToLowerInvariant());
        var best = sentences.MaxBy(s => TextUnits.OverlapF1(s, answer))!;
        yield return best;
        foreach (var sentence in sentences)
        {
            if (ReferenceEquals(sentence, best)) continue;
            var present = TextUnits.KeyFacts(sentence.ToLowerInvariant());
            if ((facts.Count > 0 && facts.All(present.Contains)) || TextUnits.OverlapF1(sentence, answer) >= SourceOverlap)
                yield return sentence;
        }
    }
}
