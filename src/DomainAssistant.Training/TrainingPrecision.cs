using System.Text.Json.Serialization;
using DomainAssistant.Model;

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

    /// <summary>
    /// What trainers compute in unless told: bf16 where the CPU multiplies bfloat16 in hardware
    /// (<see cref="NativeBFloat16.OnThisCpu"/>), where it was faster at every size we train; fp32 elsewhere, where
    /// emulated bf16 products made training many times slower (docs/training.md, "Precision").
    /// </summary>
    public static TrainingPrecision Default { get; } = NativeBFloat16.OnThisCpu ? TrainingPrecision.Bf16 : TrainingPrecision.Fp32;

    /// <summary>The precision a command-line value names: "fp32", "bf16", or "auto" (<see cref="Default"/>).</summary>
    /// <exception cref="ArgumentException">None of these.</exception>
    public static TrainingPrecision Parse(string? name) => name switch
    {
        "fp32" => TrainingPrecision.Fp32,
        "bf16" => TrainingPrecision.Bf16,
        "auto" => Default,
        _ => throw new ArgumentException($"precision must be fp32, bf16 or auto, got '{name}'."),
    };

    /// <summary>Why <paramref name="precision"/> is a poor choice on this machine, or null when it is not.</summary>
    public static string? Caution(this TrainingPrecision precision) => precision == TrainingPrecision.Bf16 && !NativeBFloat16.OnThisCpu
        ? "bf16 on a CPU without native bfloat16 products (AVX-512 BF16, AMX or Arm BF16) is emulated and trains many times slower than fp32; use --precision fp32 (or auto)."
        : null;
}
