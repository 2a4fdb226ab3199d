using System.Text;
using DomainAssistant.Model.Tokenization.HuggingFace;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Training.Tests.Tokenizers;

/// <summary>
/// The textbook BPE loop, recounting every pair of every word before each merge: slow, but obviously right, so
/// it checks the trainer's incremental counts. Same pre-tokenizer, ids and tie-break rule as the trainer.
/// </summary>
static class NaiveBpeReference
{
    public static List<(string Left, string Right)> Merges(string text, int vocabularySize, int minFrequency)
    {
        var tokens = new List<string>(ChatSpecialTokens.All);
        var byteBase = tokens.Count;
        for (var value = 0; value < 256; value++) tokens.Add(ByteLevelAlphabet.ToChar((byte)value).ToString());
        var words = Gpt2PreTokenizer.Regex().Matches(text).GroupBy(match => match.Value, StringComparer.Ordinal)
                                    .Select(group => (Symbols: Encoding.UTF8.GetBytes(group.Key).Select(b => byteBase + b).ToList(), Count: group.Count()))
                                    .ToList();
        var merges = new List<(string, string)>();
        while (tokens.Count < vocabularySize)
        {
            var counts = new Dictionary<(int Left, int Right), long>();
            foreach (var (symbols, count) in words)
                for (var i = 0; i + 1 < symbols.Count; i++) counts[(symbols[i], symbols[i + 1])] = counts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            if (counts.Count == 0) break;
            var best = counts.OrderByDescending(entry => entry.Value).ThenBy(entry => entry.Key.Left).ThenBy(entry => entry.Key.Right).First();
            if (best.Value < minFrequency) break;
            var merged = tokens[best.Key.Left] + tokens[best.Key.Right];
            var id = tokens.IndexOf(merged);
            if (id < 0)
            {
                id = tokens.Count;
                tokens.Add(merged);
            }
            merges.Add((tokens[best.Key.Left], tokens[best.Key.Right]));
            foreach (var (symbols, _) in words) Merge(symbols, best.Key.Left, best.Key.Right, id);
        }
        return merges;
    }

    static void Merge(List<int> symbols, int left, int right, int merged)
    {
        for (var i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] != left || symbols[i + 1] != right) continue;
            symbols[i] = merged;
            symbols.RemoveAt(i + 1);
        }
    }
}
