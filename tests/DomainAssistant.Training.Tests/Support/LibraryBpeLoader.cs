using System.Text.Json;
using DomainAssistant.Training.Tokenizers;
using Microsoft.ML.Tokenizers;

namespace DomainAssistant.Training.Tests.Support;

/// <summary>
/// Loads a saved tokenizer.json straight into Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> with the library's
/// own RegexPreTokenizer: a second loader, independent of the Model project's TokenizerLoader, so the round-trip
/// tests prove the file works in the library rather than through code written alongside the trainer.
/// </summary>
public static class LibraryBpeLoader
{
    /// <summary>Loads <paramref name="folder"/>/tokenizer.json; throws <see cref="InvalidDataException"/> naming the file when it is not byte-level BPE.</summary>
    public static BpeTokenizer Load(string folder)
    {
        var path = Path.Combine(folder, HuggingFaceTokenizerFolder.TokenizerFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer file '{path}' does not exist.", path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return Create(document.RootElement, path);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"tokenizer file '{path}' is not valid JSON: {error.Message}", error);
        }
        catch (KeyNotFoundException error)
        {
            throw new InvalidDataException($"tokenizer file '{path}' lacks a field: {error.Message}", error);
        }
    }

    static BpeTokenizer Create(JsonElement root, string path)
    {
        var model = root.GetProperty("model");
        if (model.GetProperty("type").GetString() != "BPE")
            throw new InvalidDataException($"tokenizer file '{path}': model type '{model.GetProperty("type")}' is not BPE.");
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object || pre.GetProperty("type").GetString() != "ByteLevel")
            throw new InvalidDataException($"tokenizer file '{path}': the pre-tokenizer is not ByteLevel.");

        var vocabulary = model.GetProperty("vocab").EnumerateObject().Select(entry => KeyValuePair.Create(entry.Name, entry.Value.GetInt32())).ToList();
        var specials = root.GetProperty("added_tokens").EnumerateArray()
                           .Where(token => token.GetProperty("special").GetBoolean())
                           .ToDictionary(token => token.GetProperty("content").GetString()!, token => token.GetProperty("id").GetInt32(), StringComparer.Ordinal);
        return BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = model.GetProperty("merges").EnumerateArray().Select(MergeText).ToList(),
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(Gpt2PreTokenizer.Regex(), specials),
            SpecialTokens = specials,
        });
    }

    // tokenizers >= 0.20 may write a merge as ["left", "right"] instead of "left right".
    static string MergeText(JsonElement merge) =>
        merge.ValueKind == JsonValueKind.Array ? $"{merge[0].GetString()} {merge[1].GetString()}" : merge.GetString()!;
}
