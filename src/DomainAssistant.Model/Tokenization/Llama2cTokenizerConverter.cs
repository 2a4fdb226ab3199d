using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Turns a llama2.c <c>tokenizer.bin</c> into a SentencePiece BPE model, so that Microsoft.ML.Tokenizers does the
/// encoding instead of a tokenizer of our own. llama2.c's encoder (dummy-prefix space, characters with byte
/// fallback, then repeatedly merge the adjacent pair whose merged piece scores highest, leftmost first) is
/// SentencePiece BPE, which is why the conversion loses nothing.
/// </summary>
/// <remarks>
/// Format: int32 max_token_length, then per token a float32 score, an int32 byte length and the bytes. The vocabulary
/// size is not stored: tokens run to the end of the file. Ids 0, 1, 2 are unk, BOS ("\n&lt;s&gt;\n") and EOS
/// ("\n&lt;/s&gt;\n"), as llama2.c's run.c assumes; pieces spelled &lt;0xHH&gt; are byte fallbacks; spaces are stored as a
/// plain ' ' and become U+2581 in the model.
/// </remarks>
public static partial class Llama2cTokenizerConverter
{
    const int UnkId = 0, BosId = 1, EosId = 2;
    const char WordBoundary = '\u2581';

    /// <summary>The bytes of an equivalent SentencePiece <c>tokenizer.model</c> (ModelProto).</summary>
    /// <exception cref="InvalidDataException">The file is truncated or not a llama2.c tokenizer.</exception>
    public static byte[] ToSentencePieceModel(string tokenizerBinPath) => Read(tokenizerBinPath).ToBytes();

    internal static SentencePieceModel Read(string path)
    {
        var data = File.ReadAllBytes(path);
        var pieces = ReadPieces(data, path);
        if (pieces.Count <= EosId)
            throw new InvalidDataException($"{path}: has {pieces.Count} tokens; a llama2.c tokenizer needs at least unk, BOS and EOS.");

        var entries = pieces.Select((p, id) => ToEntry(p.Text, p.Score, id)).ToList();
        var model = new SentencePieceModel
        {
            Pieces = entries,
            UnkId = UnkId,
            BosId = BosId,
            EosId = EosId,
            ByteFallback = entries.Any(e => e.Type == SentencePieceType.Byte),
            AddDummyPrefix = true,
            RemoveExtraWhitespaces = false,
            EscapeWhitespaces = true,
        };
        model.EnsureUsable(path);
        return model;
    }

    static List<(string Text, float Score)> ReadPieces(ReadOnlySpan<byte> data, string path)
    {
        if (data.Length < 4)
            throw new InvalidDataException($"{path}: truncated: {data.Length} bytes, not even the max_token_length header.");
        var maxTokenLength = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (maxTokenLength is <= 0 or > 1 << 16)
            throw new InvalidDataException($"{path}: max_token_length {maxTokenLength} is not plausible; not a llama2.c tokenizer.bin?");

        var strictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var pieces = new List<(string, float)>();
        var offset = 4;
        while (offset < data.Length)
        {
            var id = pieces.Count;
            if (data.Length - offset < 8)
                throw new InvalidDataException($"{path}: truncated: token {id}'s score and length need 8 bytes, {data.Length - offset} left.");
            var score = BinaryPrimitives.ReadSingleLittleEndian(data[offset..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(data[(offset + 4)..]);
            offset += 8;
            if (!float.IsFinite(score))
                throw new InvalidDataException($"{path}: token {id} has a non-finite score {score}.");
            if (length <= 0 || length > maxTokenLength)
                throw new InvalidDataException($"{path}: token {id} has length {length}, outside 1..max_token_length {maxTokenLength}.");
            if (data.Length - offset < length)
                throw new InvalidDataException($"{path}: truncated: token {id} needs {length} bytes, {data.Length - offset} left.");
            string text;
            try
            {
                text = strictUtf8.GetString(data.Slice(offset, length));
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException($"{path}: token {id} is not valid UTF-8.");
            }
            offset += length;
            pieces.Add((text, score));
        }
        return pieces;
    }

    static SentencePieceEntry ToEntry(string text, float score, int id)
    {
        // llama2.c's export wraps BOS and EOS in newlines ("\n<s>\n"); the model wants the bare names.
        var controlName = text.Trim('\n');
        return id switch
        {
            UnkId => new SentencePieceEntry(text, score, SentencePieceType.Unknown),
            BosId => new SentencePieceEntry(controlName.Length > 0 ? controlName : "<s>", score, SentencePieceType.Control),
            EosId => new SentencePieceEntry(controlName.Length > 0 ? controlName : "</s>", score, SentencePieceType.Control),
            _ when BytePiece().IsMatch(text) => new SentencePieceEntry(text, score, SentencePieceType.Byte),
            _ => new SentencePieceEntry(text.Replace(' ', WordBoundary), score, SentencePieceType.Normal),
        };
    }

    [GeneratedRegex("^<0x[0-9A-F]{2}>$", RegexOptions.CultureInvariant)]
    private static partial Regex BytePiece();
}
