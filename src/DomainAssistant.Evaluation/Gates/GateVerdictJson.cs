using System.Text.Json;
using System.Text.Json.Serialization;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>A verdict's metrics as every store keeps them (enums by name; NaN, which JSON lacks, as a string).</summary>
static class GateVerdictJson
{
    static readonly JsonSerializerOptions Options = new() { Converters = { new JsonStringEnumConverter() }, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string Metrics(IReadOnlyList<MetricResult> metrics) => JsonSerializer.Serialize(metrics, Options);

    public static List<MetricResult> Metrics(string json) => JsonSerializer.Deserialize<List<MetricResult>>(json, Options)!;
}
