using DomainAssistant.Grounding;

namespace DomainAssistant.Simulation;

/// <summary>
/// What simulated users ask: the domain's training questions and questions made from its corpus sentences by the
/// grounded-data templates, never a held-out question nor one about a held-out answer's source sentence (the
/// <see cref="HeldOutGuard"/> the training data is checked with): the held-out set measures the loop, so traffic
/// must not teach it.
/// </summary>
public sealed class QuestionPool
{
    QuestionPool(IReadOnlyList<SimulatedQuestion> questions, int skipped) => (Questions, HeldOutSkipped) = (questions, skipped);

    public IReadOnlyList<SimulatedQuestion> Questions { get; }

    /// <summary>Candidates left out because the held-out guard matched them.</summary>
    public int HeldOutSkipped { get; }

    /// <param name="domain">The domain (its train Q/A file and corpus).</param>
    /// <param name="perSentence">Template questions per corpus sentence (0: the written training questions only).</param>
    /// <param name="seed">Picks templates.</param>
    /// <exception cref="InvalidDataException">Nothing is left to ask.</exception>
    public static QuestionPool For(DomainProfile domain, int perSentence, int seed)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var guard = HeldOutGuard.For(domain);
        var random = new Random(seed);
        var candidates = new List<SimulatedQuestion>();
        if (domain.TrainQaPath is { } train && File.Exists(train))
            candidates.AddRange(QaPair.Read(train).Where(p => p.Source is not null).Select(p => new SimulatedQuestion(p.Question, p.Answer, Path.GetFileName(p.Source!))));
        if (perSentence > 0)
        {
            foreach (var file in Directory.EnumerateFiles(domain.CorpusFolder, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var text = File.ReadAllText(file);
                var title = text.Split('\n').FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim() ?? Path.GetFileNameWithoutExtension(file);
                foreach (var sentence in TextUnits.Sentences(text))
                    foreach (var question in SentenceQuestions.For(sentence, title, perSentence, random))
                        candidates.Add(new SimulatedQuestion(question, sentence, Path.GetFileName(file)));
            }
        }
        var kept = candidates.Where(q => !guard.Leaks(q.Text, q.Reference)).DistinctBy(q => q.Text, StringComparer.Ordinal).ToList();
        if (kept.Count == 0) throw new InvalidDataException($"the domain {domain.Name} leaves no question to ask: no training questions and no corpus sentences outside the held-out set.");
        return new QuestionPool(kept, candidates.Count - kept.Count);
    }
}
