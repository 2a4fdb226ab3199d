namespace DomainAssistant.Bench;

/// <summary>What `--help` prints: every mode of the benchmark and its arguments (`bench` = `dotnet run -c Release --project bench/DomainAssistant.Bench`).</summary>
public static class BenchUsage
{
    public const string Text = """
    Benchmarks print Markdown tables; bench/RESULTS.md records runs (bench = dotnet run -c Release --project bench/DomainAssistant.Bench).
    bench            all models, fp32 and bf16
    bench -- case stories260K Float32   one case (JSON)
    bench -- train [small|medium]      training tokens/s and MFU
    bench -- train-case base medium Float32   one case (JSON)
    bench -- experiments    simulations of the A/B statistics (Experiments/)
    bench -- service [--model DIR --adapter sft=DIR] [--domain NAME] [--setting KEY=VALUE]... [--quick]   the assistant service (Service/ServiceOptions.cs)
    bench -- reader [--domain DIR] [--model DIR] [--adapter DIR|-] [--suite FILE]   how the model ranks its context's sentences (Reading/ReaderProbe.cs)
    bench -- hostile   hostile bodies (host memory) and 100 uploads (disk), issue 22
    bench -- gates [--minutes 6] [--noise 3.0] [--reruns 1] [--keep DIR]   the gate against sabotaged adapters (Gates/GateSabotage.cs)
    bench -- alignment [--train-prompts 48] [--heldout-prompts 16] [--betas 0.2,0.05,0] [--keep DIR]   synthetic preferences: reward model, KTO vs RLOO, over-optimisation (Alignment/PreferenceBenchmark.cs)
    bench -- adapters [MODEL...]   batch-8 decode with two adapters mixed against the base (MultiAdapterBenchmark.cs)
    bench -- loop --profile correct-and-cited|concise|long-and-confident [--rounds 1] [--stack embedded|scaleout] [--kill-worker-mid-round] [--domain tidewell-support] [--users 200] [--response-rate 0.3] [--disagreement 0.1] [--concurrency 4] [--feedbacks-per-round 200] [--experiment-answers 3000] [--final-answers 600] [--seed 1] [--run-timeout-minutes 120] [--setting KEY=VALUE]... [--json]   the closed loop with simulated users (ClosedLoop/ClosedLoopBenchmark.cs)
    bench -- scaleout [--fault none|rabbitmq-restart|postgres-restart|worker-kill] [--feedbacks 10000] [--concurrency 128] [--warmup 60000] | --drain N [--vhost V] | --chat-minutes M [--streams 32]   feedback through the infra/scaleout.sh stack, counted in PostgreSQL, the worker draining N queued feedbacks alone, or chat load (ScaleOut/ScaleOutBenchmark.cs)
    """;
}
