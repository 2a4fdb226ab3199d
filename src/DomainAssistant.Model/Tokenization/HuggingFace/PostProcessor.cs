using System.Text.Json;

namespace DomainAssistant.Model.Tokenization.HuggingFace;

/// <summary>
/// tokenizer.json's post_processor for one sequence, as Hugging Face applies it when add_special_tokens is true:
/// TemplateProcessing's "single" template puts its special tokens around the encoded text (Llama-3.1's, Gemma's and
/// Mistral's BOS); ByteLevel only trims offsets, which ids never see.
/// </summary>
internal sealed class PostProcessor
{
    readonly int[] _before;
    readonly int[] _after;

    PostProcessor(int[] before, int[] after)
    {
        _before = before;
        _after = after;
    }

    public static readonly PostProcessor None = new([], []);

    /// <summary>A template of BOS (when given), the text, then EOS (when given).</summary>
    public static PostProcessor Around(int? bos, int? eos) =>
        new(bos is int b ? [b] : [], eos is int e ? [e] : []);

    /// <summary>The ids the template puts before the text (BOS, when it has one).</summary>
    public IReadOnlyList<int> Before => _before;

    /// <summary>The ids the template puts after the text (EOS, for add_eos_token tokenizers).</summary>
    public IReadOnlyList<int> After => _after;

    public int[] Apply(IReadOnlyList<int> ids) => [.. _before, .. ids, .. _after];

    public static PostProcessor Read(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null) return None;
        return TokenizerJson.TypeOf(element) switch
        {
            "ByteLevel" => None,
            "TemplateProcessing" => ReadTemplate(element),
            "Sequence" => TokenizerJson.Array(element, "processors").Select(Read).Aggregate(None, Combine),
            var other => throw new InvalidDataException($"post-processor '{other}' is not supported."),
        };
    }

    static PostProcessor Combine(PostProcessor outer, PostProcessor inner) =>
        new([.. inner._before, .. outer._before], [.. outer._after, .. inner._after]);

    static PostProcessor ReadTemplate(JsonElement element)
    {
        var specials = TokenizerJson.Property(element, "special_tokens");
        var (before, after, sawSequence) = (new List<int>(), new List<int>(), false);
        foreach (var part in TokenizerJson.Array(element, "single"))
        {
            if (part.TryGetProperty("Sequence", out _))
            {
                if (sawSequence) throw new InvalidDataException("TemplateProcessing's single template names the sequence twice.");
                sawSequence = true;
                continue;
            }
            var name = TokenizerJson.String(TokenizerJson.Property(part, "SpecialToken"), "id");
            var ids = TokenizerJson.Array(TokenizerJson.Property(specials, name), "ids").Select(id => id.GetInt32());
            (sawSequence ? after : before).AddRange(ids);
        }
        if (!sawSequence) throw new InvalidDataException("TemplateProcessing's single template has no sequence.");
        return new PostProcessor([.. before], [.. after]);
    }
}
