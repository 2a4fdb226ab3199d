using System.Diagnostics;
using System.Text.Json;
using static TorchSharp.torch;

namespace DomainAssistant.Bench;

/// <summary>`train` mode: every training case in its own process (so peak memory is its own), as one Markdown table.</summary>
public static class TrainingReport
{
    static readonly (string Job, string Size, ScalarType DType)[] Cases =
    [
        ("base", "small", ScalarType.Float32), ("base", "small", ScalarType.BFloat16),
        ("base", "medium", ScalarType.Float32), ("base", "medium", ScalarType.BFloat16),
        ("sft", "small", ScalarType.Float32), ("sft", "small", ScalarType.BFloat16),
        ("sft", "medium", ScalarType.Float32), ("sft", "medium", ScalarType.BFloat16),
    ];

    public static int Print(IReadOnlyList<string> only)
    {
        var table = new Table("job", "size", "dtype", "params", "trained", "batch", "tokens/s", "model GFLOP/s", "matmul peak GFLOP/s", "MFU", "peak MiB");
        foreach (var (job, size, dtype) in Cases.Where(c => only.Count == 0 || only.Contains(c.Size)))
        {
            var r = RunCase(job, size, dtype);
            table.Add(r.Job, r.Size, r.DType, $"{r.Parameters / 1e6:F2}M", r.Trainable == r.Parameters ? "all" : $"{r.Trainable / 1e6:F2}M",
                $"{r.Rows}x{r.Length}", r.TokensPerSecond, r.ModelGflops, r.PeakGflops, $"{r.Mfu:P0}", r.PeakMemoryMiB);
        }
        Console.WriteLine($"## Training (one optimizer step = {16 * 256} tokens; vocab 4096; MFU against the same dtype's matmul peak measured in the same process)\n");
        Console.WriteLine(table);
        return 0;
    }

    static TrainingBenchmark.Result RunCase(string job, string size, ScalarType dtype)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(TrainingReport).Assembly.Location);
        foreach (var arg in new[] { "train-case", job, size, dtype.ToString() }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var lines = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"training case {job} {size} {dtype} failed with exit code {child.ExitCode}");
        return JsonSerializer.Deserialize<TrainingBenchmark.Result>(lines[^1])!;
    }
}
