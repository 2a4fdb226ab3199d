using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DomainAssistant.Grounding.Tests.Support;

/// <summary>
/// Whether training examples leak a domain's held-out pairs, judged without <see cref="HeldOutGuard"/> or
/// <see cref="TextUnits"/>: its own reader of the held-out file, its own normalisation and its own word-overlap F1.
/// A training question leaks when it equals a held-out question (normalised); a training answer leaks when its word F1
/// with a held-out reference answer is at least <see cref="MaxF1"/> or it holds a held-out answer's whole normalised text.
/// </summary>
public static partial class HeldOutCheck
{
    public const double MaxF1 = 0.8;

    public sealed record HeldOut(string Question, string Answer);

    /// <summary>One leak: the training example (its kind, question and answer) and the held-out pair it leaks.</summary>
    public sealed record Leak(GroundedExampleKind Kind, string Question, string Answer, string Why, HeldOut Pair)
    {
        public override string ToString() => $"{Kind} \"{Question}\" -> \"{Answer}\" {Why} held-out \"{Pair.Question}\" -> \"{Pair.Answer}\"";
    }

    public static IReadOnlyList<HeldOut> Read(string path) =>
        [.. File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => new HeldOut(e.GetProperty("question").GetString()!, e.GetProperty("answer").GetString()!))];

    public static List<Leak> Leaks(IEnumerable<GroundedExample> examples, IReadOnlyList<HeldOut> heldOut)
    {
        var pairs = heldOut.Select(p => (Pair: p, Question: Normalise(p.Question), Answer: Normalise(p.Answer))).ToList();
        var leaks = new List<Leak>();
        // Every turn of a conversation counts: the first question and each follow-up on the same context.
        var turns = examples.SelectMany(example => example.Messages.Zip(example.Messages.Skip(1))
            .Where(t => t.First.Role == "user" && t.Second.Role == "assistant")
            .Select(t => (example.Kind, Question: t.First.Content, Answer: t.Second.Content)));
        foreach (var (kind, question, reply) in turns)
        {
            var answer = Citation().Replace(reply, "");
            var (q, a) = (Normalise(question), Normalise(answer));
            foreach (var (pair, heldQuestion, heldAnswer) in pairs)
            {
                string? why = null;
                if (q == heldQuestion) why = "asks";
                else if (F1(a, heldAnswer) is var f1 && f1 >= MaxF1) why = $"overlaps (F1 {f1:F2})";
                else if ($" {a} ".Contains($" {heldAnswer} ", StringComparison.Ordinal)) why = "quotes";
                if (why is not null) leaks.Add(new Leak(kind, question, answer, why, pair));
            }
        }
        return leaks;
    }

    /// <summary>Lower case; every run of characters other than ASCII letters and digits one space.</summary>
    public static string Normalise(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.ToLowerInvariant()) builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : ' ');
        return string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>SQuAD word-overlap F1 of two normalised texts.</summary>
    public static double F1(string a, string b)
    {
        var (left, right) = (a.Split(' ', StringSplitOptions.RemoveEmptyEntries), b.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (left.Length == 0 || right.Length == 0) return 0;
        var counts = right.CountBy(w => w).ToDictionary(StringComparer.Ordinal);
        var common = 0;
        foreach (var word in left)
            if (counts.TryGetValue(word, out var n) && n > 0) { counts[word] = n - 1; common++; }
        if (common == 0) return 0;
        double precision = (double)common / left.Length, recall = (double)common / right.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>The citation an answered example ends with.</summary>
    [GeneratedRegex(@"\s*\[\d+\]\s*$")]
    private static partial Regex Citation();
}
