using System.Text.Encodings.Web;
using System.Text.Json;

namespace DomainAssistant.Training.Tokenizers;

/// <summary>
/// Writes a <see cref="BpeVocabulary"/> as a Hugging Face tokenizer.json (format version "1.0"): byte-level BPE with
/// the GPT-2 split regex, special tokens as added tokens, no normalizer and no post-processor (nothing is added
/// to the text implicitly; the data pipeline writes BOS and chat markers itself).
/// </summary>
static class TokenizerJsonWriter
{
    // Relaxed escaping keeps the byte-level symbols (Ġ, Ċ) readable; the file is still standard JSON.
    internal static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(BpeVocabulary vocabulary, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, Options);
        json.WriteStartObject();
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");
        WriteAddedTokens(json, vocabulary);
        json.WriteNull("normalizer");
        WriteByteLevel(json, "pre_tokenizer");
        json.WriteNull("post_processor");
        WriteByteLevel(json, "decoder");
        WriteModel(json, vocabulary);
        json.WriteEndObject();
    }

    static void WriteAddedTokens(Utf8JsonWriter json, BpeVocabulary vocabulary)
    {
        json.WriteStartArray("added_tokens");
        for (var id = 0; id < vocabulary.SpecialTokens.Count; id++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            WriteSpecialTokenFlags(json, vocabulary.SpecialTokens[id]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>The fields Hugging Face keeps for an added special token (shared with tokenizer_config.json).</summary>
    internal static void WriteSpecialTokenFlags(Utf8JsonWriter json, string content)
    {
        json.WriteString("content", content);
        json.WriteBoolean("single_word", false);
        json.WriteBoolean("lstrip", false);
        json.WriteBoolean("rstrip", false);
        json.WriteBoolean("normalized", false);
        json.WriteBoolean("special", true);
    }

    static void WriteByteLevel(Utf8JsonWriter json, string name)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", false);
        json.WriteBoolean("trim_offsets", true);
        json.WriteBoolean("use_regex", true);
        json.WriteEndObject();
    }

    static void WriteModel(Utf8JsonWriter json, BpeVocabulary vocabulary)
    {
        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        json.WriteNull("unk_token");
        json.WriteNull("continuing_subword_prefix");
        json.WriteNull("end_of_word_suffix");
        json.WriteBoolean("fuse_unk", false);
        json.WriteBoolean("byte_fallback", false);
        json.WriteStartObject("vocab");
        for (var id = 0; id < vocabulary.Count; id++) json.WriteNumber(vocabulary.Tokens[id], id);
        json.WriteEndObject();
        // "left right" strings: byte-level tokens never contain a space (it is Ġ), so the split is unambiguous.
        json.WriteStartArray("merges");
        foreach (var (left, right) in vocabulary.Merges) json.WriteStringValue($"{left} {right}");
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
