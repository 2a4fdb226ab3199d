namespace DomainAssistant.Training.Tokenizers;

/// <summary>Saves a trained vocabulary as a Hugging Face tokenizer folder that HF tokenizers and Microsoft.ML.Tokenizers both load.</summary>
public static class HuggingFaceTokenizerFolder
{
    public const string TokenizerFile = "tokenizer.json";
    public const string ConfigFile = "tokenizer_config.json";
    public const string SpecialTokensMapFile = "special_tokens_map.json";

    /// <summary>
    /// Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into <paramref name="folder"/>
    /// (created when missing; existing files are replaced). <paramref name="modelMaxLength"/> is the context length
    /// recorded as model_max_length (default 2048, LlamaConfig's default).
    /// </summary>
    public static void Save(BpeVocabulary vocabulary, string folder, int modelMaxLength = 2048)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(modelMaxLength);
        if (vocabulary.SpecialTokens.Take(ChatSpecialTokens.All.Count).SequenceEqual(ChatSpecialTokens.All) is false)
            throw new ArgumentException("the vocabulary does not start with the reserved chat special tokens.", nameof(vocabulary));
        Directory.CreateDirectory(folder);
        WriteFile(Path.Combine(folder, TokenizerFile), stream => TokenizerJsonWriter.Write(vocabulary, stream));
        WriteFile(Path.Combine(folder, ConfigFile), stream => TokenizerConfigWriter.WriteConfig(vocabulary, modelMaxLength, stream));
        WriteFile(Path.Combine(folder, SpecialTokensMapFile), stream => TokenizerConfigWriter.WriteSpecialTokensMap(vocabulary, stream));
    }

    // Write beside the target and move into place, so an interrupted save never leaves half a tokenizer.json.
    static void WriteFile(string path, Action<Stream> write)
    {
        var partial = path + ".partial";
        using (var stream = File.Create(partial)) write(stream);
        File.Move(partial, path, overwrite: true);
    }
}
