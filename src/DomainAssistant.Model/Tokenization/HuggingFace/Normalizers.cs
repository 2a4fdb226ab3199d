using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>
/// tokenizer.json's normalizer: rewrites text before pre-tokenization. Hugging Face applies it to each stretch of
/// text between added tokens that are matched unnormalised, so Prepend adds its prefix once per stretch.
/// </summary>
internal abstract class NormalizerStep
{
    public abstract string Normalize(string text);

    /// <summary>Reads one normalizer; a type Hugging Face has but this reader lacks is refused by name.</summary>
    public static NormalizerStep? Read(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null) return null;
        return TokenizerJson.TypeOf(element) switch
        {
            "Sequence" => new SequenceNormalizer([.. TokenizerJson.Array(element, "normalizers").Select(e => Read(e)).OfType<NormalizerStep>()]),
            "Prepend" => new PrependNormalizer(TokenizerJson.String(element, "prepend")),
            "Replace" => new ReplaceNormalizer(TokenizerJson.Pattern(element, "pattern"), TokenizerJson.String(element, "content")),
            "NFC" => new UnicodeNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeNormalizer(NormalizationForm.FormKD),
            "Lowercase" => new LowercaseNormalizer(),
            "Strip" => new StripNormalizer(TokenizerJson.Bool(element, "strip_left", true), TokenizerJson.Bool(element, "strip_right", true)),
            var other => throw new InvalidDataException($"normalizer '{other}' is not supported."),
        };
    }
}

internal sealed class SequenceNormalizer(IReadOnlyList<NormalizerStep> steps) : NormalizerStep
{
    public override string Normalize(string text) => steps.Aggregate(text, (current, step) => step.Normalize(current));
}

/// <summary>Puts a prefix before non-empty text (SentencePiece's dummy "▁" in Llama-2 and Mistral files).</summary>
internal sealed class PrependNormalizer(string prefix) : NormalizerStep
{
    public override string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}

internal sealed class ReplaceNormalizer(Regex pattern, string content) : NormalizerStep
{
    // Replacement text is literal in Hugging Face: no $1 group references.
    public override string Normalize(string text) => pattern.Replace(text, _ => content);
}

internal sealed class UnicodeNormalizer : NormalizerStep
{
    readonly NormalizationForm _form;

    public UnicodeNormalizer(NormalizationForm form)
    {
        if (!IcuText.IsAvailable)
            throw new InvalidDataException($"normalizer '{form}' needs the ICU library (libicuuc), which this machine lacks.");
        _form = form;
    }

    public override string Normalize(string text) => IcuText.Normalize(text, _form);
}

internal sealed class LowercaseNormalizer : NormalizerStep
{
    public LowercaseNormalizer()
    {
        if (!IcuText.IsAvailable) throw new InvalidDataException("normalizer 'Lowercase' needs the ICU library (libicuuc), which this machine lacks.");
    }

    // Rust's char::to_lowercase, one code point at a time: full mappings (İ becomes i + U+0307) but no context, so a
    // final capital sigma becomes σ, not ς, as Hugging Face's Lowercase gives.
    public override string Normalize(string text)
    {
        var lowered = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
            lowered.Append(rune.IsAscii ? Rune.ToLowerInvariant(rune).ToString() : IcuText.ToLower(rune.ToString()));
        return lowered.ToString();
    }
}

/// <summary>Trims whitespace; char.IsWhiteSpace is the Unicode White_Space property, as Rust's char::is_whitespace.</summary>
internal sealed class StripNormalizer(bool left, bool right) : NormalizerStep
{
    public override string Normalize(string text)
    {
        var (start, end) = (0, text.Length);
        if (left) while (start < end && char.IsWhiteSpace(text[start])) start++;
        if (right) while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        return text[start..end];
    }
}
