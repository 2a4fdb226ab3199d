using System.Text.Json.Serialization;

namespace DomainAssistant.Training;

/// <summary>What a trainer computes in. Written in JSON (options, lineage, checkpoints) and taken on the command line as "fp32" or "bf16".</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingPrecision>))]
public enum TrainingPrecision
{
    /// <summary>float32 throughout.</summary>
    [JsonStringEnumMemberName("fp32")] Fp32,

    /// <summary>bfloat16 forward and backward, float32 master weights and optimizer state.</summary>
    [JsonStringEnumMemberName("bf16")] Bf16,
}

/// <summary>The names <see cref="TrainingPrecision"/> is written with.</summary>
public static class TrainingPrecisions
{
    public static string Name(this TrainingPrecision precision) => precision switch
    {
        TrainingPrecision.Fp32 => "fp32",
        TrainingPrecision.Bf16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "not a precision"),
    };

    /// <summary>The precision a command-line value names ("fp32" or "bf16").</summary>
    /// <exception cref="ArgumentException">Neither.</exception>
    public static TrainingPrecision Parse(string? name) => name switch
    {
        "fp32" => TrainingPrecision.Fp32,
        "bf16" => TrainingPrecision.Bf16,
        _ => throw new ArgumentException($"precision must be fp32 or bf16, got '{name}'."),
    };
}
