using System.Text.Json;

namespace DomainAssistant.Training.Tokenizers;

/// <summary>
/// Writes the two small Hugging Face files beside tokenizer.json: tokenizer_config.json (special tokens by role,
/// the ChatML chat template, the context length) and special_tokens_map.json.
/// </summary>
static class TokenizerConfigWriter
{
    public static void WriteConfig(BpeVocabulary vocabulary, int modelMaxLength, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, TokenizerJsonWriter.Options);
        json.WriteStartObject();
        json.WriteBoolean("add_prefix_space", false);
        json.WriteStartObject("added_tokens_decoder");
        for (var id = 0; id < vocabulary.SpecialTokens.Count; id++)
        {
            json.WriteStartObject(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            TokenizerJsonWriter.WriteSpecialTokenFlags(json, vocabulary.SpecialTokens[id]);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        WriteRoles(json, vocabulary);
        json.WriteNull("unk_token");
        json.WriteString("chat_template", ChatSpecialTokens.ChatMlTemplate);
        json.WriteBoolean("clean_up_tokenization_spaces", false);
        json.WriteNumber("model_max_length", modelMaxLength);
        json.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
        json.WriteEndObject();
    }

    public static void WriteSpecialTokensMap(BpeVocabulary vocabulary, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, TokenizerJsonWriter.Options);
        json.WriteStartObject();
        WriteRoles(json, vocabulary);
        json.WriteEndObject();
    }

    static void WriteRoles(Utf8JsonWriter json, BpeVocabulary vocabulary)
    {
        json.WriteStartArray("additional_special_tokens");
        foreach (var token in vocabulary.SpecialTokens.Where(token => token is not ChatSpecialTokens.Bos and not ChatSpecialTokens.Pad))
            json.WriteStringValue(token);
        json.WriteEndArray();
        json.WriteString("bos_token", ChatSpecialTokens.Bos);
        json.WriteString("eos_token", ChatSpecialTokens.Eos);
        json.WriteString("pad_token", ChatSpecialTokens.Pad);
    }
}
