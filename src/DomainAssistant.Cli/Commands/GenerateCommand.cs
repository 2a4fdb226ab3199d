using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using DomainAssistant.Model;
using DomainAssistant.Model.Generation;

namespace DomainAssistant.Cli.Commands;

/// <summary>`da generate`: continue a prompt with a checkpoint, streaming the text (or one JSON object).</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "llama2.c .bin checkpoint or Hugging Face folder", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer file or folder (default: the model folder, or tokenizer.bin beside a .bin)" };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)" };
        var prompt = new Option<string>("--prompt") { Description = "text to continue", Required = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "most tokens to generate", DefaultValueFactory = _ => 256 };
        var temperature = new Option<float>("--temperature") { Description = "0 = greedy; higher = more random", DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { Description = "sample among the K most likely tokens (0 = all)" };
        var topP = new Option<float>("--top-p") { Description = "nucleus sampling mass (1 = off)", DefaultValueFactory = _ => 1f };
        var repetitionPenalty = new Option<float>("--repetition-penalty") { Description = "penalty on tokens already seen (1 = off)", DefaultValueFactory = _ => 1f };
        var stop = new Option<string[]>("--stop") { Description = "stop before this string (repeatable)", AllowMultipleArgumentsPerToken = false };
        var seed = new Option<int?>("--seed") { Description = "random seed for reproducible sampling" };
        var dtype = new Option<string>("--dtype") { Description = "float32 or bfloat16", DefaultValueFactory = _ => "float32" };
        var json = new Option<bool>("--json") { Description = "print one JSON object (prompt_tokens, tokens, text) instead of streaming text" };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0 = auto: 1 for models under 20M parameters, whose decode is dominated by per-op overhead, else all cores)" };
        var trace = new Option<string?>("--trace") { Description = "write one JSON line per position fed: pos, token, argmax, logsumexp, logits_head" };

        var command = new Command("generate", "Generate text from a prompt with a checkpoint (and optionally a LoRA adapter).")
        {
            model, tokenizer, adapter, prompt, maxTokens, temperature, topK, topP, repetitionPenalty, stop, seed, dtype, threads, json, trace,
        };
        command.SetAction(CommandErrors.Guard(async (parse, cancellation) =>
        {
            var sampling = new SamplingOptions
            {
                Temperature = parse.GetValue(temperature), TopK = parse.GetValue(topK), TopP = parse.GetValue(topP),
                RepetitionPenalty = parse.GetValue(repetitionPenalty), MaxTokens = parse.GetValue(maxTokens),
                StopStrings = [.. (parse.GetValue(stop) ?? []).Select(s => Utf8Argument.Require(s, "--stop")!)], Seed = parse.GetValue(seed),
            };
            Validate(sampling);
            var text = Utf8Argument.Require(parse.GetValue(prompt), "--prompt")!;
            var output = parse.InvocationConfiguration.Output;
            var log = parse.InvocationConfiguration.Error;

            var watch = Stopwatch.StartNew();
            using var loaded = PretrainedModel.Load(parse.GetValue(model)!, parse.GetValue(tokenizer), DTypeOption.Parse(parse.GetValue(dtype)!));
            DecodeThreads.Apply(parse.GetValue(threads), loaded.Model);
            string? adapterName = parse.GetValue(adapter) is { } adapterDir ? loaded.LoadAdapter(adapterDir) : null;
            await log.WriteLineAsync($"loaded {loaded.Source} ({loaded.Model.Config.NumHiddenLayers} layers, dim {loaded.Model.Config.HiddenSize}) in {watch.ElapsedMilliseconds} ms");

            using var traceFile = parse.GetValue(trace) is { } tracePath ? new LogitsTraceWriter(tracePath) : null;
            await using var engine = new GenerationEngine(loaded.Model, maxBatch: 1);
            var generator = new TextGenerator(engine, loaded.Tokenizer, loaded.StopTokens);
            var request = generator.Prepare(text, sampling, adapterName, traceFile is null ? null : traceFile.Observe);

            watch.Restart();
            bool streaming = !parse.GetValue(json);
            var completion = await generator.CompleteAsync(request, streaming ? piece => output.Write(piece) : null, cancellation);
            var seconds = watch.Elapsed.TotalSeconds;

            if (streaming) await output.WriteLineAsync();
            else await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                prompt_tokens = completion.PromptTokens, tokens = completion.Tokens, text = completion.Text,
                finish_reason = completion.Finish.ToString().ToLowerInvariant(),
                tokens_per_second = Math.Round(completion.Tokens.Count / Math.Max(seconds, 1e-9), 1),
            }));
            await log.WriteLineAsync($"{completion.Tokens.Count} tokens in {seconds:F2} s ({completion.Tokens.Count / Math.Max(seconds, 1e-9):F0} tokens/s), finish: {completion.Finish}");
            return 0;
        }));
        return command;
    }

    /// <summary>The flag (and its rule) behind each setting <see cref="SamplingOptions.Validate"/> checks.</summary>
    static readonly Dictionary<string, (string Flag, string Rule)> Flags = new(StringComparer.Ordinal)
    {
        [nameof(SamplingOptions.Temperature)] = ("--temperature", "must be >= 0"),
        [nameof(SamplingOptions.TopK)] = ("--top-k", "must be >= 0"),
        [nameof(SamplingOptions.TopP)] = ("--top-p", "must be in (0, 1]"),
        [nameof(SamplingOptions.RepetitionPenalty)] = ("--repetition-penalty", "must be > 0"),
        [nameof(SamplingOptions.MaxTokens)] = ("--max-tokens", "must be >= 0"),
    };

    /// <summary>
    /// Validates the sampling settings, naming the flag the user typed: the options type names its own properties
    /// (`MaxTokens`), which mean nothing on a command line.
    /// </summary>
    static void Validate(SamplingOptions sampling)
    {
        try
        {
            sampling.Validate();
        }
        catch (ArgumentOutOfRangeException bad) when (bad.ParamName is { } name && Flags.TryGetValue(name, out var flag))
        {
            throw new ArgumentException(FormattableString.Invariant($"{flag.Flag} {flag.Rule} (got {bad.ActualValue})."), bad);
        }
    }
}
