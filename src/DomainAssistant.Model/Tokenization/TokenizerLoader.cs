namespace DomainAssistant.Model.Tokenization;

/// <summary>
/// Loads a model's tokenizer from whatever is there: a tokenizer file, or a Hugging Face folder holding
/// tokenizer.json (Hugging Face's pipeline), tokenizer.model (SentencePiece) or a llama2.c tokenizer.bin, tried in that order.
/// </summary>
public static class TokenizerLoader
{
    public const string SentencePieceFileName = "tokenizer.model";
    public const string TokenizerJsonFileName = "tokenizer.json";
    public const string Llama2cFileName = "tokenizer.bin";

    /// <summary>The fields of <paramref name="folder"/>'s tokenizer_config.json that loading does not read, for reports of what is ignored.</summary>
    public static IReadOnlyList<string> IgnoredConfigFields(string folder) => TokenizerConfig.IgnoredFields(folder);

    /// <summary>
    /// Loads <paramref name="path"/>: a file is read by its extension (.model, .json, .bin); a folder by the files
    /// it holds, with its tokenizer_config.json for BOS/EOS, added tokens and the chat template.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing tokenizer-like is at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated or of an unsupported kind; the message names it.</exception>
    public static ModelTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return LoadFolder(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No tokenizer file or folder at {path}.", path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".model" => SentencePieceTokenizerLoader.FromModelFile(path),
            ".json" => TokenizerJsonLoader.Load(path),
            ".bin" => SentencePieceTokenizerLoader.FromLlama2c(path),
            _ => throw new InvalidDataException($"{path}: unknown tokenizer file kind; expected a .model (SentencePiece), .json (tokenizer.json) or .bin (llama2.c) file."),
        };
    }

    static ModelTokenizer LoadFolder(string folder)
    {
        // tokenizer.json first, as transformers' AutoTokenizer loads the fast tokenizer: Llama-2, Mistral and Gemma
        // folders carry both files, and tokenizer.json is what the checkpoint is tokenized with in Python.
        string[] candidates = [TokenizerJsonFileName, SentencePieceFileName, Llama2cFileName];
        foreach (var name in candidates)
        {
            var file = Path.Combine(folder, name);
            if (File.Exists(file)) return Load(file);
        }
        throw new FileNotFoundException($"No tokenizer in {folder}: expected one of {string.Join(", ", candidates)}.", folder);
    }
}
