using System.Text.Json;
using System.Text.Json.Serialization;

namespace DomainAssistant.Storage.Lineage;

/// <summary>
/// One artifact of the loop (a corpus version, a base model, an adapter, a reward model, a gate verdict, an
/// experiment): what it is, its SHA-256, what it was made from, what made it and when, and the details its maker
/// knows (settings, metrics, data counts). The same record is the ledger's row and the lineage.json written beside a
/// model or adapter folder.
/// </summary>
/// <remarks>
/// The details are written at the top level of the JSON, beside the fields every artifact has, so lineage.json keeps
/// the fields readers of earlier versions looked for (<c>base_model</c>, <c>dataset</c>, <c>hyperparameters</c>,
/// <c>metrics</c>, <c>stop_reason</c> ...). The id is derived from the checksum, so a record names its parents' ids
/// without asking a ledger, and the same artifact has the same id wherever it is recorded.
/// </remarks>
public sealed record LineageRecord
{
    /// <summary>The file written beside a model, adapter or reward model folder.</summary>
    public const string FileName = "lineage.json";

    /// <summary>Hex digits of the checksum that make the id: short enough to type, long enough never to collide in one loop.</summary>
    public const int IdLength = 16;

    /// <summary>Who made a placeholder: a parent the ledger learned of only as a parent.</summary>
    public const string Referenced = "referenced";

    static readonly HashSet<string> CommonFields = new(["id", "kind", "sha256", "path", "parents", "produced_by", "created_at"], StringComparer.Ordinal);

    /// <summary>snake_case names, enums by name, NaN allowed (a metric nothing counted for).</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>As <see cref="Json"/>, on one line (the ledger's details column, `--json` output). After Json: static initialisers run in the order they are written.</summary>
    public static JsonSerializerOptions JsonLine { get; } = new(Json) { WriteIndented = false };

    /// <summary>The ledger id: the checksum's first <see cref="IdLength"/> hex digits.</summary>
    [JsonPropertyOrder(-3)]
    public string Id => IdOf(Sha256);

    [JsonPropertyOrder(-2)]
    public required ArtifactKind Kind { get; init; }

    /// <summary>SHA-256 of the artifact, 64 lower-case hex digits (of the weight files for a model or adapter).</summary>
    [JsonPropertyOrder(-1)]
    public required string Sha256 { get; init; }

    /// <summary>Where the artifact was written; null for one without files.</summary>
    public string? Path { get; init; }

    /// <summary>What it was made from.</summary>
    public IReadOnlyList<LineageLink> Parents { get; init; } = [];

    /// <summary>The command or job that made it, e.g. "da train sft" or "job bootstrap tidewell-support".</summary>
    public required string ProducedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>What the maker knows of it; written beside the fields above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Details { get; init; } = [];

    /// <summary>The id of the artifact with checksum <paramref name="sha256"/>.</summary>
    /// <exception cref="ArgumentException">Not a SHA-256 in hex.</exception>
    public static string IdOf(string sha256)
    {
        if (!IsSha256(sha256)) throw new ArgumentException($"'{sha256}' is not a SHA-256 (64 hex digits).", nameof(sha256));
        return sha256[..IdLength].ToLowerInvariant();
    }

    public static bool IsSha256(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit);

    public static bool IsId(string? text) => text is { Length: IdLength } && text.All(char.IsAsciiHexDigit);

    /// <summary>A record whose details are <paramref name="details"/>'s properties (serialised with <see cref="Json"/>).</summary>
    public static LineageRecord Of<TDetails>(ArtifactKind kind, string sha256, string? path, IEnumerable<LineageLink> parents, string producedBy,
        TDetails details, DateTimeOffset? createdAt = null)
    {
        IdOf(sha256);
        var element = JsonSerializer.SerializeToElement(details, Json);
        if (element.ValueKind != JsonValueKind.Object) throw new ArgumentException("lineage details must be a JSON object.", nameof(details));
        foreach (var property in element.EnumerateObject())
            if (CommonFields.Contains(property.Name))
                throw new ArgumentException($"lineage details may not name '{property.Name}': every record has it.", nameof(details));
        return new LineageRecord
        {
            Kind = kind, Sha256 = sha256.ToLowerInvariant(), Path = path, Parents = [.. parents.DistinctBy(p => p.Sha256)], ProducedBy = producedBy,
            CreatedAt = createdAt ?? DateTimeOffset.UtcNow,
            Details = element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal),
        };
    }

    /// <summary>The details read back as <typeparamref name="TDetails"/> (the type its maker wrote).</summary>
    public TDetails DetailsAs<TDetails>()
    {
        var json = JsonSerializer.Serialize(Details, Json);
        return JsonSerializer.Deserialize<TDetails>(json, Json) ?? throw new InvalidDataException($"lineage {Id}: no details.");
    }

    /// <summary>The details as one JSON object (what the ledger stores).</summary>
    public string DetailsJson() => JsonSerializer.Serialize(Details, JsonLine);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="InvalidDataException">Not a lineage record (no kind, no valid checksum).</exception>
    public static LineageRecord FromJson(string json, string source = FileName)
    {
        LineageRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<LineageRecord>(json, Json);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{source}: not a lineage record ({error.Message}).", error);
        }
        if (record is null) throw new InvalidDataException($"{source} is empty.");
        if (!IsSha256(record.Sha256)) throw new InvalidDataException($"{source}: sha256 '{record.Sha256}' is not a SHA-256.");
        // The id is derived; one written in the file is not a detail.
        record.Details.Remove("id");
        return record;
    }

    /// <summary>Writes lineage.json into <paramref name="folder"/>; returns its path.</summary>
    public string Write(string folder)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        File.WriteAllText(path, ToJson());
        return path;
    }

    /// <summary>Reads the lineage.json of <paramref name="folder"/>.</summary>
    public static LineageRecord Read(string folder)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"no {FileName} in {folder}", path);
        return FromJson(File.ReadAllText(path), path);
    }
}
