using DomainAssistant.Model.Tokenization.HuggingFace;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Which ids stand for raw bytes rather than whole characters, and what <see cref="ModelTokenizer.Decode"/> does with
/// the others: byte-level BPE tokens and SentencePiece byte fallbacks may end or start inside a UTF-8 character, so
/// streaming has to see their bytes to tell a character still arriving from one that can never complete.
/// </summary>
internal sealed class TokenBytes
{
    /// <summary>No byte ids: nothing to hold back or repair (a vocabulary whose bytes cannot be told).</summary>
    public static readonly TokenBytes None = new(new Dictionary<int, byte[]>(), new HashSet<int>(), vocabSize: 0);

    readonly IReadOnlyDictionary<int, byte[]> _bytesOfId;
    readonly IReadOnlySet<int> _skipped;
    readonly int _vocabSize;
    readonly int[] _idOfByte = new int[256];

    /// <param name="bytesOfId">The bytes of each byte-carrying id.</param>
    /// <param name="skipped">
    /// Ids that decode to nothing without ending a run of bytes (byte-level BPE's special tokens: the bytes on
    /// either side still join into one character). Every other id that carries no bytes ends the run.
    /// </param>
    /// <param name="vocabSize">Ids outside 0..vocabSize-1 are skipped, as Decode skips them.</param>
    TokenBytes(IReadOnlyDictionary<int, byte[]> bytesOfId, IReadOnlySet<int> skipped, int vocabSize)
    {
        _bytesOfId = bytesOfId;
        _skipped = skipped;
        _vocabSize = vocabSize;
        Array.Fill(_idOfByte, -1);
        foreach (var (id, bytes) in bytesOfId)
            if (bytes.Length == 1 && _idOfByte[bytes[0]] < 0) _idOfByte[bytes[0]] = id;
    }

    /// <summary>The bytes <paramref name="id"/> stands for; false for special tokens and whole-text pieces.</summary>
    public bool TryGetBytes(int id, out byte[] bytes) => _bytesOfId.TryGetValue(id, out bytes!);

    /// <summary>True for an id that decodes to nothing and leaves a run of bytes open.</summary>
    public bool IsSkipped(int id) => id < 0 || id >= _vocabSize || _skipped.Contains(id);

    /// <summary>The id that stands for the single byte <paramref name="value"/> (it exists for every byte of a multi-byte id).</summary>
    public int IdOfByte(byte value) => _idOfByte[value];

    /// <summary>
    /// A byte-level BPE vocabulary: each token's characters are GPT-2's stand-ins for bytes. Added tokens carry no
    /// bytes; the special ones are skipped by Decode, the others end a run (Decode decodes the runs between them
    /// separately). <see cref="None"/> when a token is not made of byte symbols (word-suffix or subword-prefix
    /// vocabularies) or a byte has no token of its own, since a token could then not be cut down to its good bytes.
    /// </summary>
    public static TokenBytes ByteLevel(IReadOnlyDictionary<string, int> vocab, IEnumerable<(int Id, bool Special)> addedTokens, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(addedTokens);
        var added = addedTokens.ToDictionary(t => t.Id, t => t.Special);
        var bytesOfId = new Dictionary<int, byte[]>(vocab.Count);
        foreach (var (token, id) in vocab)
        {
            if (added.ContainsKey(id)) continue;
            var bytes = new byte[token.Length];
            for (var i = 0; i < token.Length; i++)
                if (!ByteLevelAlphabet.TryGetByte(token[i], out bytes[i])) return None;
            bytesOfId[id] = bytes;
        }
        var skipped = new HashSet<int>(added.Where(a => a.Value).Select(a => a.Key));
        // Ids the vocabulary leaves unused decode to nothing, like out-of-range ids.
        for (var id = 0; id < vocabSize; id++)
            if (!bytesOfId.ContainsKey(id) && !added.ContainsKey(id)) skipped.Add(id);
        var result = new TokenBytes(bytesOfId, skipped, vocabSize);
        return Enumerable.Range(0, 256).All(b => result._idOfByte[b] >= 0) ? result : None;
    }

    /// <summary>SentencePiece's byte pieces &lt;0x00&gt;..&lt;0xFF&gt;, at consecutive ids from <paramref name="firstByteId"/>; every other piece ends a run of bytes.</summary>
    public static TokenBytes ByteFallback(int? firstByteId, int vocabSize)
    {
        if (firstByteId is not { } first) return None;
        var bytesOfId = Enumerable.Range(0, 256).ToDictionary(b => first + b, b => new[] { (byte)b });
        return new TokenBytes(bytesOfId, new HashSet<int>(), vocabSize);
    }
}
