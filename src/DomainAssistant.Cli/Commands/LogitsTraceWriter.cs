using System.Text.Json;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// Writes `--trace` lines in the schema of llama2.c reference traces: for every position fed, the token, the
/// argmax and log-sum-exp of its logits and the first 8 logits, so a run can be compared with another implementation.
/// </summary>
public sealed class LogitsTraceWriter(string path) : IDisposable
{
    const int HeadLength = 8;
    readonly StreamWriter _writer = new(path);

    public void Observe(int position, int token, ReadOnlySpan<float> logits)
    {
        int argmax = 0;
        float max = logits[0];
        for (int i = 1; i < logits.Length; i++) if (logits[i] > max) { max = logits[i]; argmax = i; }
        double sum = 0;
        foreach (var logit in logits) sum += Math.Exp(logit - max);
        var line = new
        {
            pos = position,
            token,
            argmax,
            logsumexp = max + Math.Log(sum),
            logits_head = logits[..Math.Min(HeadLength, logits.Length)].ToArray(),
        };
        _writer.WriteLine(JsonSerializer.Serialize(line));
    }

    public void Dispose() => _writer.Dispose();
}
