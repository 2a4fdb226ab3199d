using System.Text.Json;
using System.Text.Json.Serialization;

namespace DomainAssistant.Training.Checkpointing;

/// <summary>
/// Everything about a training run that is not a tensor, saved beside the weights so a resumed run continues exactly:
/// where it is (step, tokens), where its data order is (the data generator's state), what it was asked to do
/// (options as JSON), and how it went so far (losses).
/// </summary>
public sealed record TrainerState
{
    public const string FileName = "trainer_state.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>"base" or "sft".</summary>
    public required string Job { get; init; }

    /// <summary>Optimizer steps completed.</summary>
    public required long Step { get; init; }

    /// <summary>Steps the learning-rate schedule spans (fixed when the run started).</summary>
    public required long TotalSteps { get; init; }

    /// <summary>Training tokens consumed over all processes of this run.</summary>
    public required long Tokens { get; init; }

    /// <summary>The data generator's state (<see cref="Data.DataRandom.State"/>), as a string because JSON numbers lose 64-bit precision elsewhere.</summary>
    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public required ulong DataRandomState { get; init; }

    /// <summary>The run's options as the trainer serialised them: compared on resume so a run cannot continue under different settings.</summary>
    public required JsonElement Options { get; init; }

    /// <summary>Training loss of every step so far.</summary>
    public IReadOnlyList<double> Losses { get; init; } = [];

    /// <summary>Held-out losses as (step, loss) pairs.</summary>
    public IReadOnlyList<double[]> EvalLosses { get; init; } = [];

    /// <summary>Wall seconds spent training over all processes of this run.</summary>
    public double Seconds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainerState FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainerState>(json, Json) ?? throw new InvalidDataException($"{source}: empty trainer state.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{source}: not a valid trainer state ({error.Message}).", error);
        }
    }

    /// <summary>Options serialised the way <see cref="Options"/> stores them.</summary>
    public static JsonElement SerializeOptions<T>(T options) => JsonSerializer.SerializeToElement(options, Json);
}
