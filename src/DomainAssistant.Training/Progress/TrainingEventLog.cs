using System.Text.Json;
using System.Text.Json.Serialization;

namespace DomainAssistant.Training.Progress;

/// <summary>
/// Writes every <see cref="TrainingEvent"/> as one JSON line (snake_case names, durations in seconds), flushed at
/// once, so another process (the service, a dashboard, a test) can follow a job while it runs.
/// </summary>
public sealed class TrainingEventLog : IProgress<TrainingEvent>, IDisposable
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    readonly StreamWriter _writer;

    public TrainingEventLog(string path) => _writer = new StreamWriter(path, append: true) { AutoFlush = true };

    public void Report(TrainingEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _writer.WriteLine(JsonSerializer.Serialize(new
        {
            value.Job, value.Phase, value.Step, value.TotalSteps, value.Epoch, value.Tokens, value.TokensPerSecond, value.Loss,
            value.EvalLoss, value.LearningRate, ElapsedSeconds = value.Elapsed.TotalSeconds, RemainingSeconds = value.Remaining?.TotalSeconds,
            value.Message, Time = DateTimeOffset.UtcNow,
        }, Json));
    }

    public void Dispose() => _writer.Dispose();
}
