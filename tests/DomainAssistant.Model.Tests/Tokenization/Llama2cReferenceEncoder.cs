using System.Buffers.Binary;
using System.Text;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// A test oracle: llama2.c run.c's encode() transcribed literally (dummy-prefix " ", code points looked up with
/// byte fallback at id byte+3, then merge the best-scoring adjacent pair, leftmost first, until none is left).
/// </summary>
sealed class Llama2cReferenceEncoder
{
    readonly string[] _vocab;
    readonly float[] _scores;
    readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public Llama2cReferenceEncoder(string tokenizerBin)
    {
        var data = File.ReadAllBytes(tokenizerBin);
        var vocab = new List<string>();
        var scores = new List<float>();
        for (var offset = 4; offset < data.Length;)
        {
            scores.Add(BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(offset)));
            var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset + 4));
            // Latin-1 keeps every byte as one char, so concatenation and lookup work on raw bytes as in C.
            vocab.Add(Encoding.Latin1.GetString(data, offset + 8, length));
            offset += 8 + length;
        }
        _vocab = [.. vocab];
        _scores = [.. scores];
        for (var i = 0; i < _vocab.Length; i++) _ids.TryAdd(_vocab[i], i);
    }

    public int[] Encode(string text, bool bos)
    {
        var tokens = new List<int>();
        if (bos) tokens.Add(1);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > 0) tokens.Add(_ids[" "]);
        for (var i = 0; i < bytes.Length;)
        {
            var end = i + 1;
            while (end < bytes.Length && (bytes[end] & 0xC0) == 0x80 && end - i < 4) end++;
            var codePoint = Encoding.Latin1.GetString(bytes, i, end - i);
            if (_ids.TryGetValue(codePoint, out var id)) tokens.Add(id);
            else for (var b = i; b < end; b++) tokens.Add(bytes[b] + 3);
            i = end;
        }
        while (true)
        {
            var bestScore = float.NegativeInfinity;
            int bestId = -1, bestIndex = -1;
            for (var i = 0; i < tokens.Count - 1; i++)
            {
                if (_ids.TryGetValue(_vocab[tokens[i]] + _vocab[tokens[i + 1]], out var merged) && _scores[merged] > bestScore)
                    (bestScore, bestId, bestIndex) = (_scores[merged], merged, i);
            }
            if (bestIndex < 0) break;
            tokens[bestIndex] = bestId;
            tokens.RemoveAt(bestIndex + 1);
        }
        return [.. tokens];
    }
}
