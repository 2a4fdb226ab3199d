using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Operations;

/// <summary>What the operator tests do again and again: write a gate suite, register an adapter, gate it to the end.</summary>
public static class OperatorCalls
{
    /// <summary>A suite of one grounded fernbrook question with <paramref name="reference"/> as its answer, judged by <paramref name="metric"/>.</summary>
    public static void WriteSuite(AssistantHost host, string suiteFile, string reference, string metric)
    {
        ArgumentNullException.ThrowIfNull(host);
        Directory.CreateDirectory(Path.GetDirectoryName(suiteFile)!);
        var domain = JsonSerializer.Serialize(Path.Combine(host.DomainsRoot, AssistantHost.Domain));
        File.WriteAllText(suiteFile, $$"""
            {"name": "tiny", "domain": {{domain}}, "seed": 7,
             "cases": [{"kind": "grounded", "items": [{"id": "g1", "question": "When is collection day?", "answer": {{JsonSerializer.Serialize(reference)}},
                        "source": "corpus/0001-bins-and-collection-days.md"}]}],
             "metrics": [{{metric}}]}
            """);
    }

    /// <summary>A suite the scripted adapters pass: both answer alike, so no drop.</summary>
    public static void WritePassingSuite(AssistantHost host, string suiteFile) =>
        WriteSuite(host, suiteFile, "Tuesday is collection day.", """{"metric": "key_fact_accuracy", "direction": "higher", "max_drop": 0.5}""");

    /// <summary>Registers one of the scripted model's adapters; returns its id.</summary>
    public static async Task<string> RegisterAsync(HttpClient operatorClient, string adapter)
    {
        ArgumentNullException.ThrowIfNull(operatorClient);
        using var response = await operatorClient.PostAsync(new Uri("/api/operator/adapters", UriKind.Relative), AdapterZips.Body(AdapterZips.Zip(ScriptedModel.Instance.Adapters[adapter])));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Starts the adapter's gate and follows its job to the end; returns the finished job.</summary>
    public static async Task<JsonElement> GateToTheEndAsync(HttpClient operatorClient, string id)
    {
        ArgumentNullException.ThrowIfNull(operatorClient);
        using var started = await operatorClient.PostAsync(new Uri($"/api/operator/adapters/{id}/gate", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var jobId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();
        Assert.Equal($"/api/jobs/{jobId}", started.Headers.Location?.ToString());
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var job = JsonDocument.Parse(await operatorClient.GetStringAsync(new Uri($"/api/jobs/{jobId}", UriKind.Relative))).RootElement.Clone();
            Assert.Equal("adapter-gate", job.GetProperty("kind").GetString());
            if (job.GetProperty("state").GetString() is "succeeded" or "failed") return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the gate job did not finish: {job}");
            await Task.Delay(200);
        }
    }

    /// <summary>The adapter as <c>GET /api/operator/adapters</c> lists it.</summary>
    public static async Task<JsonElement> ListedAsync(HttpClient operatorClient, string id)
    {
        ArgumentNullException.ThrowIfNull(operatorClient);
        return JsonDocument.Parse(await operatorClient.GetStringAsync(new Uri("/api/operator/adapters", UriKind.Relative))).RootElement
            .EnumerateArray().Single(a => a.GetProperty("id").GetString() == id).Clone();
    }
}
