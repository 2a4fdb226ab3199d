using System.Text.Json;

namespace DomainAssistant.Grounding;

/// <summary>Reads one domain.json; every problem is an <see cref="InvalidDataException"/> naming the file.</summary>
public static class DomainFile
{
    public const string FileName = "domain.json";

    public static DomainProfile Read(string domainFolder)
    {
        var path = Path.Combine(domainFolder, FileName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({error.Message}).", error);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object.");
            var name = Text(root, "name", path) ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(domainFolder));
            if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                throw new InvalidDataException($"{path}: \"name\" may hold only letters, digits, '-', '_' and '.' (got \"{name}\").");
            var defaults = root.TryGetProperty("defaults", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            var profile = new DomainProfile(
                Name: name,
                DisplayName: Text(root, "displayName", path) ?? name,
                Description: Text(root, "description", path) ?? "",
                SystemPrompt: Text(root, "systemPrompt", path) ?? throw new InvalidDataException($"{path}: \"systemPrompt\" is required."),
                Defaults: new GenerationDefaults(
                    Temperature: (float)Number(defaults, "temperature", 0.7, path),
                    MaxTokens: (int)Number(defaults, "maxTokens", 200, path),
                    TopK: (int)Number(defaults, "topK", 5, path)),
                Folder: Path.GetFullPath(domainFolder),
                CorpusFolder: Path.GetFullPath(Path.Combine(domainFolder, Text(root, "corpus", path) ?? "corpus")),
                TrainQaPath: QaPath(root, "train", domainFolder, path),
                HeldOutQaPath: QaPath(root, "heldout", domainFolder, path));
            profile = profile with { Decline = Text(root, "decline", path) ?? DeclineText.From(profile.SystemPrompt), Safety = Safety(root, path) };
            if (profile.Defaults.Temperature < 0 || profile.Defaults.MaxTokens < 1 || profile.Defaults.TopK is < 1 or > 100)
                throw new InvalidDataException($"{path}: \"defaults\" needs temperature >= 0, maxTokens >= 1 and topK in 1..100.");
            return profile;
        }
    }

    /// <summary>"safety": {"topics": ["smoke", ...], "instruction": "..."}; null when absent.</summary>
    static SafetyInstruction? Safety(JsonElement root, string path)
    {
        if (!root.TryGetProperty("safety", out var safety) || safety.ValueKind == JsonValueKind.Null) return null;
        if (safety.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: \"safety\" must be an object with \"topics\" and \"instruction\".");
        var instruction = Text(safety, "instruction", path);
        var topics = safety.TryGetProperty("topics", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : "").ToList()
            : [];
        if (string.IsNullOrWhiteSpace(instruction) || topics.Count == 0 || topics.Any(string.IsNullOrWhiteSpace))
            throw new InvalidDataException($"{path}: \"safety\" needs a non-empty \"instruction\" and a list of non-empty \"topics\" strings.");
        return new SafetyInstruction(topics, instruction);
    }

    static string? QaPath(JsonElement root, string split, string domainFolder, string path) =>
        root.TryGetProperty("qa", out var qa) && qa.ValueKind == JsonValueKind.Object && Text(qa, split, path) is { } file
            ? Path.GetFullPath(Path.Combine(domainFolder, file))
            : null;

    static string? Text(JsonElement element, string field, string path)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new InvalidDataException($"{path}: \"{field}\" must be a string.");
    }

    static double Number(JsonElement element, string field, double fallback, string path)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(field, out var value)) return fallback;
        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new InvalidDataException($"{path}: \"defaults.{field}\" must be a number.");
    }
}
