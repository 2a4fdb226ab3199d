using System.Text.Json;
using System.Text.Json.Serialization;
using DomainAssistant.Experiments.Guardrails;

namespace DomainAssistant.Experiments.Storage;

/// <summary>The JSON of stored ramps, guardrails and audit snapshots (camelCase, metric names in snake_case).</summary>
static class ExperimentJson
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Ramp(IReadOnlyList<double> ramp) => JsonSerializer.Serialize(ramp, Options);

    public static IReadOnlyList<double> Ramp(string json) => JsonSerializer.Deserialize<double[]>(json, Options) ?? [];

    public static string Guardrails(IReadOnlyList<Guardrail> guardrails) => JsonSerializer.Serialize(guardrails, Options);

    public static IReadOnlyList<Guardrail> Guardrails(string json) => JsonSerializer.Deserialize<Guardrail[]>(json, Options) ?? [];

    /// <summary>What an operator set, as the audit log shows it before and after a change.</summary>
    public static string Settings(Experiment experiment) => JsonSerializer.Serialize(new
    {
        experiment.Name,
        experiment.Domain,
        Status = experiment.Status.Name(),
        experiment.ControlAdapter,
        experiment.TreatmentAdapter,
        experiment.TreatmentPercent,
        experiment.Ramp,
        experiment.Guardrails,
    }, Options);
}
