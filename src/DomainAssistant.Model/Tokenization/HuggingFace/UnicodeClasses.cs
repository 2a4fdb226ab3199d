using System.Globalization;
using System.Text;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>The character classes Hugging Face's Rust pre-tokenizers test, by Unicode category on whole code points.</summary>
internal static class UnicodeClasses
{
    /// <summary>Rust's char::is_numeric: categories Nd, Nl and No (Digits).</summary>
    public static bool IsNumeric(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>ASCII punctuation (which includes $+&lt;=&gt;^`|~, symbols in Unicode) or a P* category (Punctuation).</summary>
    public static bool IsPunctuation(Rune rune) =>
        (rune.IsAscii && (char)rune.Value is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~')
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>
    /// The Rust regex crate's \w: Alphabetic, marks, decimal digits, connector punctuation and the joiners (Whitespace).
    /// Alphabetic is letters, letter numbers and Other_Alphabetic; the Other_Alphabetic code points outside the mark
    /// categories are the circled, parenthesised and squared Latin letters listed here.
    /// </summary>
    public static bool IsWord(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.LetterNumber or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation
        || rune.Value is 0x200C or 0x200D or >= 0x24B6 and <= 0x24E9 or >= 0x1F130 and <= 0x1F149
            or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189;
}
