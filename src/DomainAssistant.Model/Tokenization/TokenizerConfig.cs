using System.Globalization;
using System.Text.Json;

namespace DomainAssistant.Model.Tokenization;

/// <summary>A token added on top of a vocabulary (tokenizer.json's added_tokens, tokenizer_config's added_tokens_decoder).</summary>
internal sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>
/// The parts of Hugging Face's tokenizer_config.json that change behaviour: BOS/EOS by name, whether BOS is
/// added, the chat template, added tokens and the decode-time clean-up of tokenization spaces; the chat template may
/// instead sit beside it in chat_template.jinja.
/// </summary>
internal sealed record TokenizerConfig
{
    public const string FileName = "tokenizer_config.json";

    /// <summary>
    /// Where transformers 4.50 and later save the chat template: on loading, this file clobbers any chat_template in
    /// tokenizer_config.json, so a folder that has it is templated by it.
    /// </summary>
    public const string ChatTemplateFileName = "chat_template.jinja";

    static readonly string[] TokenRoles = ["bos_token", "eos_token", "unk_token", "pad_token"];

    // Every field ReadFrom looks at; the others change nothing here, and `da inspect` lists them as ignored.
    static readonly HashSet<string> ReadFields =
        [.. TokenRoles, "add_bos_token", "add_eos_token", "tokenizer_class", "chat_template", "added_tokens_decoder", "clean_up_tokenization_spaces"];

    /// <summary>The top-level fields of the folder's tokenizer_config.json that are not read (none without the file).</summary>
    public static IReadOnlyList<string> IgnoredFields(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return [];
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.ValueKind != JsonValueKind.Object
            ? []
            : [.. document.RootElement.EnumerateObject().Select(p => p.Name).Where(name => !ReadFields.Contains(name)).Order(StringComparer.Ordinal)];
    }

    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public bool? AddBosToken { get; init; }
    public bool? AddEosToken { get; init; }

    /// <summary>transformers' tokenizer class (LlamaTokenizerFast, Qwen2Tokenizer, ...), which decides who adds BOS.</summary>
    public string? TokenizerClass { get; init; }
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// clean_up_tokenization_spaces: whether decode removes the space before punctuation and contractions. Only a
    /// config that says true turns it on: transformers 4.45 and later assume false where the field is absent.
    /// </summary>
    public bool CleanUpTokenizationSpaces { get; init; }

    /// <summary>The file <see cref="ChatTemplate"/> was read from (chat_template.jinja or tokenizer_config.json); null without a template.</summary>
    public string? ChatTemplatePath { get; init; }

    /// <summary>The special tokens by role (bos_token, eos_token, unk_token, pad_token), as chat templates receive them.</summary>
    public IReadOnlyDictionary<string, string> TokenTexts { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>
    /// Reads the folder's tokenizer_config.json (an empty config when there is none) and, as transformers does, takes
    /// the chat template from chat_template.jinja when the folder has one.
    /// </summary>
    public static TokenizerConfig ReadFrom(string folder)
    {
        var config = ReadConfigFile(folder);
        var templatePath = Path.Combine(folder, ChatTemplateFileName);
        return File.Exists(templatePath)
            ? config with { ChatTemplate = File.ReadAllText(templatePath), ChatTemplatePath = templatePath }
            : config;
    }

    static TokenizerConfig ReadConfigFile(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return new TokenizerConfig();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the top level is not a JSON object.");
            var chatTemplate = ChatTemplateText(root);
            return new TokenizerConfig
            {
                BosToken = TokenText(root, "bos_token"),
                EosToken = TokenText(root, "eos_token"),
                AddBosToken = OptionalBool(root, "add_bos_token"),
                AddEosToken = OptionalBool(root, "add_eos_token"),
                CleanUpTokenizationSpaces = OptionalBool(root, "clean_up_tokenization_spaces") == true,
                TokenizerClass = root.TryGetProperty("tokenizer_class", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
                ChatTemplate = chatTemplate,
                ChatTemplatePath = chatTemplate is null ? null : path,
                TokenTexts = TokenRoles
                    .Select(role => (Role: role, Text: TokenText(root, role)))
                    .Where(t => t.Text is not null)
                    .ToDictionary(t => t.Role, t => t.Text!),
                AddedTokens = AddedTokensDecoder(root),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    static bool? OptionalBool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>A token given as "text" or as {"content": "text", ...}.</summary>
    internal static string? TokenText(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
            _ => null,
        };
    }

    static string? ChatTemplateText(JsonElement root)
    {
        if (!root.TryGetProperty("chat_template", out var value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (value.ValueKind != JsonValueKind.Array) return null;
        // Newer configs list named templates ([{"name": "default", "template": ...}, {"name": "tool_use", ...}]).
        var named = value.EnumerateArray()
            .Where(t => t.ValueKind == JsonValueKind.Object && t.TryGetProperty("template", out _))
            .ToList();
        var chosen = named.FirstOrDefault(t => t.TryGetProperty("name", out var n) && n.ValueEquals("default"));
        if (chosen.ValueKind == JsonValueKind.Undefined && named.Count > 0) chosen = named[0];
        return chosen.ValueKind == JsonValueKind.Undefined ? null : chosen.GetProperty("template").GetString();
    }

    static List<AddedToken> AddedTokensDecoder(JsonElement root)
    {
        if (!root.TryGetProperty("added_tokens_decoder", out var decoder) || decoder.ValueKind != JsonValueKind.Object) return [];
        var tokens = new List<AddedToken>();
        foreach (var entry in decoder.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                throw new InvalidDataException($"added_tokens_decoder key '{entry.Name}' is not a token id.");
            var content = TokenText(entry.Value, "content")
                ?? throw new InvalidDataException($"added_tokens_decoder entry {id} has no content.");
            var special = entry.Value.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
            tokens.Add(new AddedToken(id, content, special));
        }
        return tokens;
    }
}
