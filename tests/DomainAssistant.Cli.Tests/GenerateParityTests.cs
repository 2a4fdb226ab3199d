using System.Text.Json;
using DomainAssistant.Model.Tests.Support;

namespace DomainAssistant.Cli.Tests;

/// <summary>
/// `da generate` against llama2.c's own run.c on stories260K (../shared/models/stories260K/greedy-reference.json):
/// the same prompt ids, the same greedy tokens at every position, the same logits to 1e-4.
/// </summary>
public class GenerateParityTests
{
    const double Tolerance = 1e-4;

    [Stories260KFact]
    public async Task Greedy_generation_matches_the_llama2c_reference_token_for_token_and_logit_for_logit()
    {
        using var reference = JsonDocument.Parse(await File.ReadAllTextAsync(SharedModels.GreedyReference));
        foreach (var testCase in reference.RootElement.GetProperty("cases").EnumerateArray())
            await CheckCase(testCase, SharedModels.Stories260KBin);
    }

    [Stories260KFact]
    public async Task The_converted_hugging_face_folder_generates_what_the_bin_does()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stories260K-hf-{Guid.NewGuid():N}");
        try
        {
            var convert = await CliRun.InvokeAsync("convert", "--from", "llama2c", SharedModels.Stories260KBin, "--tokenizer", SharedModels.Tok512Bin, "--out", folder);
            Assert.True(convert.ExitCode == 0, convert.Error);
            foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json", "generation_config.json" })
                Assert.True(File.Exists(Path.Combine(folder, file)), $"convert did not write {file}");

            using var reference = JsonDocument.Parse(await File.ReadAllTextAsync(SharedModels.GreedyReference));
            foreach (var testCase in reference.RootElement.GetProperty("cases").EnumerateArray())
                await CheckCase(testCase, folder);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    static async Task CheckCase(JsonElement testCase, string model)
    {
        var steps = testCase.GetProperty("steps").EnumerateArray().ToArray();
        var fed = steps.Select(s => s.GetProperty("token").GetInt32()).ToArray();
        var argmax = steps.Select(s => s.GetProperty("argmax").GetInt32()).ToArray();
        var trace = Path.GetTempFileName();
        try
        {
            var run = await CliRun.InvokeAsync("generate", "--model", model, "--tokenizer", model.EndsWith(".bin") ? SharedModels.Tok512Bin : model,
                "--prompt", testCase.GetProperty("prompt").GetString()!, "--max-tokens", steps.Length.ToString(),
                "--temperature", "0", "--json", "--trace", trace);
            Assert.True(run.ExitCode == 0, run.Error);
            using var result = JsonDocument.Parse(run.Output);
            var promptTokens = result.RootElement.GetProperty("prompt_tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var tokens = result.RootElement.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();

            // The reference forced the prompt ids, then fed back each argmax: generated token i is argmax[n - 1 + i].
            int n = promptTokens.Length;
            Assert.Equal(fed[..n], promptTokens);
            Assert.Equal(argmax[(n - 1)..], tokens[..(steps.Length - n + 1)]);

            var lines = (await File.ReadAllLinesAsync(trace)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.True(lines.Length >= steps.Length, $"trace has {lines.Length} positions, reference {steps.Length}");
            for (int pos = 0; pos < steps.Length; pos++)
            {
                Assert.Equal(pos, lines[pos].GetProperty("pos").GetInt32());
                Assert.Equal(fed[pos], lines[pos].GetProperty("token").GetInt32());
                Assert.Equal(argmax[pos], lines[pos].GetProperty("argmax").GetInt32());
                Assert.InRange(lines[pos].GetProperty("logsumexp").GetDouble() - steps[pos].GetProperty("logsumexp").GetDouble(), -Tolerance, Tolerance);
                var head = lines[pos].GetProperty("logits_head").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                var expected = steps[pos].GetProperty("logits_head").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (int i = 0; i < expected.Length; i++) Assert.InRange(head[i] - expected[i], -Tolerance, Tolerance);
            }
        }
        finally
        {
            File.Delete(trace);
        }
    }
}
