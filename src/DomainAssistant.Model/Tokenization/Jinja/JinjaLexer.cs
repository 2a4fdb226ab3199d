using System.Globalization;
using System.Text;

namespace DomainAssistant.Model.Tokenization.Jinja;

internal enum TokenKind { Text, OutputStart, StatementStart, TagEnd, Name, String, Integer, Float, Operator, End }

internal readonly record struct JinjaToken(TokenKind Kind, string Value, int Position);

/// <summary>
/// Cuts a template into text and the tokens inside {{ }} and {% %}; comments go. Whitespace control is applied here:
/// as transformers configures Jinja (trim_blocks, lstrip_blocks, and a template's one trailing newline dropped), and
/// the '-' markers strip the whitespace beside a tag.
/// </summary>
internal static class JinjaLexer
{
    static readonly string[] Operators = ["==", "!=", "<=", ">=", "//", "**", "+", "-", "*", "/", "%", "~", "<", ">", "=", "|", ".", ",", ":", "(", ")", "[", "]", "{", "}"];

    public static List<JinjaToken> Tokenize(string template)
    {
        var source = Preprocess(template);
        var tokens = new List<JinjaToken>();
        var position = 0;
        var stripNextText = false;
        while (position < source.Length)
        {
            var open = NextTag(source, position);
            var textEnd = open < 0 ? source.Length : open;
            var text = source[position..textEnd];
            if (stripNextText) text = text.TrimStart();
            if (open >= 0 && open + 2 < source.Length && source[open + 2] == '-') text = text.TrimEnd();
            if (text.Length > 0) tokens.Add(new JinjaToken(TokenKind.Text, text, position));
            if (open < 0) break;

            var kind = source[open + 1];
            var inner = open + 2 + (open + 2 < source.Length && source[open + 2] is '-' or '+' ? 1 : 0);
            if (kind == '#')
            {
                var close = source.IndexOf("#}", inner, StringComparison.Ordinal);
                if (close < 0) throw new JinjaException($"a comment opened at {open} is never closed.");
                stripNextText = source[close - 1] == '-';
                position = close + 2;
                continue;
            }
            tokens.Add(new JinjaToken(kind == '{' ? TokenKind.OutputStart : TokenKind.StatementStart, "", open));
            position = TokenizeTag(source, inner, kind == '{' ? "}}" : "%}", tokens, out stripNextText);
        }
        tokens.Add(new JinjaToken(TokenKind.End, "", source.Length));
        return tokens;
    }

    // What transformers' Jinja environment does before parsing: the trailing newline, lstrip_blocks, trim_blocks.
    static string Preprocess(string template)
    {
        if (template.EndsWith('\n')) template = template[..^1];
        var lines = template.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = 0;
            while (indent < lines[i].Length && lines[i][indent] is ' ' or '\t') indent++;
            if (indent > 0 && indent + 1 < lines[i].Length && lines[i][indent] == '{' && lines[i][indent + 1] is '%' or '#')
                lines[i] = lines[i][indent..];
        }
        var joined = string.Join('\n', lines);
        var trimmed = new StringBuilder(joined.Length);
        for (var i = 0; i < joined.Length; i++)
        {
            trimmed.Append(joined[i]);
            if (joined[i] == '}' && i > 0 && joined[i - 1] is '%' or '#' && i + 1 < joined.Length && joined[i + 1] == '\n') i++;
        }
        return trimmed.ToString();
    }

    static int NextTag(string source, int from)
    {
        for (var i = source.IndexOf('{', from); i >= 0 && i + 1 < source.Length; i = source.IndexOf('{', i + 1))
            if (source[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    static int TokenizeTag(string source, int position, string close, List<JinjaToken> tokens, out bool stripAfter)
    {
        while (true)
        {
            while (position < source.Length && char.IsWhiteSpace(source[position])) position++;
            if (position >= source.Length) throw new JinjaException($"a tag is never closed with '{close}'.");
            if (source[position] == '-' && string.CompareOrdinal(source, position + 1, close, 0, 2) == 0)
            {
                tokens.Add(new JinjaToken(TokenKind.TagEnd, "", position));
                stripAfter = true;
                return position + 3;
            }
            if (string.CompareOrdinal(source, position, close, 0, 2) == 0)
            {
                tokens.Add(new JinjaToken(TokenKind.TagEnd, "", position));
                stripAfter = false;
                return position + 2;
            }
            position = ReadToken(source, position, tokens);
        }
    }

    static int ReadToken(string source, int position, List<JinjaToken> tokens)
    {
        var c = source[position];
        if (char.IsLetter(c) || c == '_')
        {
            var end = position;
            while (end < source.Length && (char.IsLetterOrDigit(source[end]) || source[end] == '_')) end++;
            tokens.Add(new JinjaToken(TokenKind.Name, source[position..end], position));
            return end;
        }
        if (char.IsAsciiDigit(c))
        {
            var end = position;
            while (end < source.Length && (char.IsAsciiDigit(source[end]) || source[end] == '_')) end++;
            var isFloat = end + 1 < source.Length && source[end] == '.' && char.IsAsciiDigit(source[end + 1]);
            if (isFloat)
            {
                end++;
                while (end < source.Length && char.IsAsciiDigit(source[end])) end++;
            }
            tokens.Add(new JinjaToken(isFloat ? TokenKind.Float : TokenKind.Integer, source[position..end].Replace("_", "", StringComparison.Ordinal), position));
            return end;
        }
        if (c is '\'' or '"') return ReadString(source, position, tokens);
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(source, position, op, 0, op.Length) == 0)
            {
                tokens.Add(new JinjaToken(TokenKind.Operator, op, position));
                return position + op.Length;
            }
        }
        throw new JinjaException($"unexpected character '{c}' at {position}.");
    }

    // Python's string escapes, which Jinja's literals follow.
    static int ReadString(string source, int position, List<JinjaToken> tokens)
    {
        var quote = source[position];
        var value = new StringBuilder();
        var i = position + 1;
        while (i < source.Length && source[i] != quote)
        {
            if (source[i] != '\\' || i + 1 >= source.Length)
            {
                value.Append(source[i++]);
                continue;
            }
            var escape = source[i + 1];
            i += 2;
            switch (escape)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case '0': value.Append('\0'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case '\\' or '\'' or '"': value.Append(escape); break;
                case 'u' when i + 4 <= source.Length:
                    value.Append((char)int.Parse(source.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case '\n': break;
                default: value.Append('\\').Append(escape); break;
            }
        }
        if (i >= source.Length) throw new JinjaException($"a string opened at {position} is never closed.");
        tokens.Add(new JinjaToken(TokenKind.String, value.ToString(), position));
        return i + 1;
    }
}
