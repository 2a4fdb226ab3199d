using static TorchSharp.torch;

namespace DomainAssistant.Cli.Commands;

/// <summary>The --dtype values the model runs in.</summary>
public static class DTypeOption
{
    public static ScalarType Parse(string value) => value.ToLowerInvariant() switch
    {
        "float32" or "fp32" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"--dtype {value} is not supported; use float32 or bfloat16."),
    };
}
