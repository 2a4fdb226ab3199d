using System.Text;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>
/// GPT-2's byte-level alphabet: each of the 256 byte values gets one printable character, so a vocabulary of plain
/// strings can hold any byte sequence (tokenizer.json cannot hold raw bytes, and a visible space or newline would break
/// the "left right" merge format). Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves; the
/// other 68 bytes (controls, space, soft hyphen) take U+0100 onwards in byte order. This is the table of Hugging Face's
/// ByteLevel pre-tokenizer and decoder, which our tokenizer trainer writes vocabularies in too.
/// </summary>
public static class ByteLevelAlphabet
{
    static readonly char[] CharOfByte = BuildTable();
    static readonly Dictionary<char, byte> ByteOfChar = CharOfByte.Select((symbol, value) => (symbol, value))
                                                                   .ToDictionary(entry => entry.symbol, entry => (byte)entry.value);

    /// <summary>The printable character that stands for <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => CharOfByte[value];

    /// <summary>Each UTF-8 byte of <paramref name="text"/> as its stand-in character.</summary>
    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>The byte-level string of <paramref name="bytes"/>, one character per byte.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var symbols = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) symbols[i] = CharOfByte[bytes[i]];
        return new string(symbols);
    }

    /// <summary>The byte a stand-in character means, or false for a character outside the alphabet.</summary>
    public static bool TryGetByte(char symbol, out byte value) => ByteOfChar.TryGetValue(symbol, out value);

    /// <summary>The bytes a byte-level string stands for; throws when a character is outside the alphabet.</summary>
    public static byte[] Decode(string symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var bytes = new byte[symbols.Length];
        for (var i = 0; i < symbols.Length; i++)
        {
            if (!ByteOfChar.TryGetValue(symbols[i], out bytes[i]))
                throw new InvalidDataException($"'{symbols[i]}' (U+{(int)symbols[i]:X4}) is not a byte-level symbol.");
        }
        return bytes;
    }

    static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var value = 0; value < 256; value++)
        {
            var printable = value is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[value] = printable ? (char)value : (char)next++;
        }
        return table;
    }
}
