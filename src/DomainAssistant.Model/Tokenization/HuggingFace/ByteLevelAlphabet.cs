using System.Text;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>
/// GPT-2's byte-level alphabet as Hugging Face's ByteLevel pre-tokenizer and decoder use it: printable Latin-1 bytes
/// ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves, the other 68 bytes take U+0100 onwards in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    static readonly char[] CharOfByte = BuildTable();
    static readonly Dictionary<char, byte> ByteOfChar = CharOfByte.Select((symbol, value) => (symbol, value))
                                                                   .ToDictionary(entry => entry.symbol, entry => (byte)entry.value);

    /// <summary>Each UTF-8 byte of <paramref name="text"/> as its stand-in character.</summary>
    public static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var symbols = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) symbols[i] = CharOfByte[bytes[i]];
        return new string(symbols);
    }

    /// <summary>The byte a stand-in character means, or false for a character outside the alphabet.</summary>
    public static bool TryGetByte(char symbol, out byte value) => ByteOfChar.TryGetValue(symbol, out value);

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
