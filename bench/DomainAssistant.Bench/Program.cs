using System.Diagnostics;
using System.Text.Json;
using DomainAssistant.Bench;
using DomainAssistant.Bench.Service;
using static TorchSharp.torch;

// Benchmarks print Markdown tables; bench/RESULTS.md records runs on our 2-core development machine. The modes: BenchUsage.cs.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchUsage.Text);
    return 0;
}
if (args is ["experiments", ..]) return await DomainAssistant.Bench.Experiments.ExperimentsBenchmark.RunAsync();
if (args is ["service", .. var serviceArgs]) return await ServiceBenchmark.RunAsync(serviceArgs);
if (args is ["gates", .. var gateArgs]) return await DomainAssistant.Bench.Gates.GateSabotage.RunAsync(gateArgs);
if (args is ["alignment", .. var alignmentArgs]) return await DomainAssistant.Bench.Alignment.PreferenceBenchmark.RunAsync(alignmentArgs);
if (args is ["reader", .. var readerArgs]) return await DomainAssistant.Bench.Reading.ReaderProbe.RunAsync(readerArgs);
if (args is ["hostile"]) return await HostileBenchmark.RunAsync();
if (args is ["scaleout", .. var scaleOutArgs]) return await DomainAssistant.Bench.ScaleOut.ScaleOutBenchmark.RunAsync(scaleOutArgs);
if (args is ["loop", .. var loopArgs]) return await DomainAssistant.Bench.ClosedLoop.ClosedLoopBenchmark.RunAsync(loopArgs);
if (args is ["adapters", .. var adapterModels]) return await MultiAdapterBenchmark.RunAsync(adapterModels);
if (args is ["case", var modelName, var dtypeName, ..])
{
    DomainAssistant.Model.Threading.OpenMpWaitPolicy.UsePassiveUnlessSet(); // before libtorch loads, as `da` and the service do
    var result = await DecodeBenchmark.RunAsync(modelName, Enum.Parse<ScalarType>(dtypeName), decodeTokens: 128);
    Console.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}

if (args is ["train-case", var job, var size, var trainDtype, ..])
{
    DomainAssistant.Model.Threading.OpenMpWaitPolicy.UsePassiveUnlessSet(); // before libtorch loads
    Console.WriteLine(JsonSerializer.Serialize(TrainingBenchmark.Run(job, size, Enum.Parse<ScalarType>(trainDtype))));
    return 0;
}
if (args is ["train", .. var sizes]) return TrainingReport.Print(sizes);

var profile = MachineProfile.Measure();
var machine = new Table("threads", "fp32 matmul GFLOP/s", "bf16 matmul GFLOP/s", "memory read GB/s", "load average (1 min)");
machine.Add(profile.Threads, profile.MatmulFp32Gflops, profile.MatmulBf16Gflops, profile.MemoryReadGBps,
    File.ReadAllText("/proc/loadavg").Split(' ')[0]);
Console.WriteLine("## Machine\n");
Console.WriteLine(machine);

var decode = new Table("model", "dtype", "params", "threads", "prefill tok/s", "decode b1 tok/s", "decode b8 tok/s", "b8 / b1 (paired rounds)",
    "b8 first token ms", "b1 vs bandwidth floor", "peak MiB");
foreach (var model in BenchModels.Names)
foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
{
    // Each case in its own process, so its peak memory is its own.
    var result = RunCase(model, dtype);
    int bytesPerWeight = dtype == ScalarType.Float32 ? 4 : 2;
    double floorTokensPerSecond = profile.MemoryReadGBps * 1e9 / (result.Parameters * (double)bytesPerWeight);
    decode.Add(result.Model, dtype == ScalarType.Float32 ? "fp32" : "bf16", $"{result.Parameters / 1e6:F2}M", result.Threads,
        result.PrefillTokensPerSecond, result.Decode1TokensPerSecond, result.Decode8TokensPerSecond,
        result.Decode8Over1, result.FirstToken8Ms,
        $"{result.Decode1TokensPerSecond / floorTokensPerSecond:P0} of {floorTokensPerSecond:F0}",
        result.PeakMemoryMiB);
}
Console.WriteLine("## Generation (greedy, through the generation engine; prefill of 128 tokens)\n");
Console.WriteLine(decode);
return 0;

static DecodeBenchmark.Result RunCase(string model, ScalarType dtype)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
    // Under `dotnet Bench.dll` the host needs the assembly path; the apphost does not.
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
    foreach (var arg in new[] { "case", model, dtype.ToString() }) start.ArgumentList.Add(arg);
    using var child = Process.Start(start)!;
    var lines = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    child.WaitForExit();
    if (child.ExitCode != 0) throw new InvalidOperationException($"case {model} {dtype} failed with exit code {child.ExitCode}");
    return JsonSerializer.Deserialize<DecodeBenchmark.Result>(lines[^1])!;
}
