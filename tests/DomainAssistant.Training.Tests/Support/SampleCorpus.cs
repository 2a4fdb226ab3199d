using System.Text;

namespace DomainAssistant.Training.Tests.Support;

/// <summary>
/// Seeded synthetic training text with the shape of natural text: a lexicon of real and made-up words drawn with
/// Zipf frequencies (a few words very common, most rare), sentences, code, numbers and non-Latin lines, so
/// training meets frequent and rare pairs, every pre-token class and multi-byte characters. Same seed, same text.
/// </summary>
public static class SampleCorpus
{
    static readonly string[] DomainWords =
    [
        "the", "assistant", "answers", "questions", "about", "invoices", "and", "shipping", "orders", "customer",
        "refund", "policy", "days", "within", "return", "product", "warranty", "covers", "damage", "support",
    ];

    static readonly string[] Extras =
    [
        "    if (order.Total > 100) { return Discount(0.1); }\n", "Résumé, naïve café — déjà vu.\n", "配送は三日以内です。\n",
        "Статус заказа: отправлен.\n", "🙂 thanks! 👍🏽\n", "\tTabbed\tcolumns\t42\n", "SKU-2024-07-31: 1,299.95 EUR\n",
    ];

    /// <summary>About <paramref name="sentences"/> sentences (roughly 60 bytes each).</summary>
    public static string Text(int sentences, int seed = 7)
    {
        var random = new Random(seed);
        var lexicon = Lexicon(new Random(seed + 1), 600);
        var text = new StringBuilder();
        for (var s = 0; s < sentences; s++)
        {
            var length = random.Next(4, 14);
            for (var w = 0; w < length; w++)
            {
                var word = lexicon[Zipf(random, lexicon.Count)];
                text.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : " " + word);
            }
            text.Append(random.Next(5) == 0 ? "?\n" : ". ");
            if (random.Next(8) == 0) text.Append(Extras[random.Next(Extras.Length)]);
        }
        return text.ToString();
    }

    /// <summary>About <paramref name="bytes"/> characters of made-up words from a large lexicon, for timing.</summary>
    public static string Babble(int bytes, int seed = 11)
    {
        var random = new Random(seed);
        var lexicon = Lexicon(new Random(seed + 1), 20_000);
        var text = new StringBuilder();
        while (text.Length < bytes)
        {
            text.Append(' ').Append(lexicon[Zipf(random, lexicon.Count)]);
            if (random.Next(12) == 0) text.Append(random.Next(3) == 0 ? ".\n" : ",");
        }
        return text.ToString();
    }

    /// <summary>The domain words followed by made-up words of one to four consonant-vowel syllables.</summary>
    static List<string> Lexicon(Random random, int size)
    {
        const string consonants = "bcdfghjklmnprstvwz";
        const string vowels = "aeiou";
        var words = new List<string>(DomainWords);
        while (words.Count < size)
        {
            var word = new StringBuilder();
            for (var syllables = random.Next(1, 5); syllables > 0; syllables--)
                word.Append(consonants[random.Next(consonants.Length)]).Append(vowels[random.Next(vowels.Length)]);
            words.Add(word.ToString());
        }
        return words;
    }

    /// <summary>A rank in [0, count) with probability proportional to 1 / (rank + 1).</summary>
    static int Zipf(Random random, int count) => Math.Min(count - 1, (int)Math.Exp(random.NextDouble() * Math.Log(count + 1)) - 1);
}
