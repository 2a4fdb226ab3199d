using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>
/// tokenizer.json's decoder: turns the tokens' texts back into text, each step mapping a list of token strings to
/// another (Hugging Face's decode_chain); the result is their concatenation.
/// </summary>
internal abstract class DecoderStep
{
    public abstract List<string> DecodeChain(List<string> tokens);

    public string Decode(List<string> tokens) => string.Concat(DecodeChain(tokens));

    /// <summary>The steps this decoder runs, a Sequence flattened.</summary>
    public virtual IEnumerable<DecoderStep> Steps => [this];

    public static DecoderStep? Read(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null) return null;
        return TokenizerJson.TypeOf(element) switch
        {
            "Sequence" => new SequenceDecoder([.. TokenizerJson.Array(element, "decoders").Select(Read).OfType<DecoderStep>()]),
            "ByteLevel" => new ByteLevelDecoder(),
            "Metaspace" => MetaspaceDecoder.FromJson(element),
            "Replace" => new ReplaceDecoder(TokenizerJson.Pattern(element, "pattern"), TokenizerJson.String(element, "content")),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder(
                TokenizerJson.String(element, "content") is [var c] ? c : throw new InvalidDataException("Strip decoder's content is not one character."),
                TokenizerJson.Property(element, "start").GetInt32(), TokenizerJson.Property(element, "stop").GetInt32()),
            var other => throw new InvalidDataException($"decoder '{other}' is not supported."),
        };
    }
}

internal sealed class SequenceDecoder(IReadOnlyList<DecoderStep> steps) : DecoderStep
{
    public override List<string> DecodeChain(List<string> tokens) => steps.Aggregate(tokens, (current, step) => step.DecodeChain(current));

    public override IEnumerable<DecoderStep> Steps => steps.SelectMany(s => s.Steps);
}

/// <summary>All tokens' stand-in characters back to bytes, read as UTF-8 (U+FFFD for broken sequences); a token with a character outside the alphabet counts as its own UTF-8.</summary>
internal sealed class ByteLevelDecoder : DecoderStep
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var mapped = new List<byte>(token.Length);
            var inAlphabet = true;
            foreach (var symbol in token)
            {
                if (!ByteLevelAlphabet.TryGetByte(symbol, out var value)) { inAlphabet = false; break; }
                mapped.Add(value);
            }
            bytes.AddRange(inAlphabet ? mapped : Encoding.UTF8.GetBytes(token));
        }
        return [Encoding.UTF8.GetString([.. bytes])];
    }
}

internal sealed class MetaspaceDecoder(char replacement, bool stripFirstSpace) : DecoderStep
{
    public static MetaspaceDecoder FromJson(JsonElement element)
    {
        var replacement = TokenizerJson.OptionalString(element, "replacement") ?? "▁";
        if (replacement.Length != 1) throw new InvalidDataException($"Metaspace replacement '{replacement}' is not one UTF-16 character.");
        var scheme = TokenizerJson.OptionalString(element, "prepend_scheme")
            ?? (TokenizerJson.Bool(element, "add_prefix_space", true) ? "always" : "never");
        return new MetaspaceDecoder(replacement[0], scheme != "never");
    }

    // As tokenizers does it: in the first token every replacement character goes (not only a leading one), elsewhere each is a space.
    public override List<string> DecodeChain(List<string> tokens) =>
        [.. tokens.Select((token, index) => index == 0 && stripFirstSpace
            ? token.Replace(replacement.ToString(), "", StringComparison.Ordinal)
            : token.Replace(replacement, ' '))];
}

internal sealed class ReplaceDecoder(Regex pattern, string content) : DecoderStep
{
    public override List<string> DecodeChain(List<string> tokens) => [.. tokens.Select(t => pattern.Replace(t, _ => content))];
}

/// <summary>Runs of &lt;0xXX&gt; tokens become the text of their bytes; a run that is not valid UTF-8 becomes one U+FFFD per byte.</summary>
internal sealed class ByteFallbackDecoder : DecoderStep
{
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                pending.Add(value);
                continue;
            }
            Flush(pending, result);
            result.Add(token);
        }
        Flush(pending, result);
        return result;
    }

    static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0) return;
        try
        {
            result.Add(Strict.GetString([.. pending]));
        }
        catch (DecoderFallbackException)
        {
            result.AddRange(Enumerable.Repeat("\uFFFD", pending.Count));
        }
        pending.Clear();
    }
}

internal sealed class FuseDecoder : DecoderStep
{
    public override List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];
}

/// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing <c>content</c> characters from each token (Llama-2's first space).</summary>
internal sealed class StripDecoder(char content, int start, int stop) : DecoderStep
{
    public override List<string> DecodeChain(List<string> tokens) =>
        [.. tokens.Select(token =>
        {
            var begin = 0;
            while (begin < Math.Min(start, token.Length) && token[begin] == content) begin++;
            var end = token.Length;
            while (token.Length - end < stop && end > begin && token[end - 1] == content) end--;
            return token[begin..end];
        })];
}
