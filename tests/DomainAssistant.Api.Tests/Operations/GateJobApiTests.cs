using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Operations;

/// <summary>
/// <c>POST /api/operator/adapters/{id}/gate</c> through the real host: the gate runs as a job in the host's own job
/// handlers (the in-memory bus), on the served base with the production adapter as baseline, and
/// <c>GET /api/jobs/{id}</c> follows it to <c>succeeded</c> (a verdict, pass or fail, stored and listed) or
/// <c>failed</c> (the gate could not run).
/// </summary>
public sealed class GateJobApiTests : IClassFixture<GateJobApiTests.Host>
{
    public sealed class Host : IAsyncLifetime
    {
        public TempFolder Suites { get; } = new();

        public AssistantHost Assistant { get; }

        public HttpClient Client { get; private set; } = null!;

        public Host() => Assistant = new(new Dictionary<string, string?> { ["Operator:GateSuites"] = Suites.Path });

        public string SuiteFile => Suites.Combine(AssistantHost.Domain, "gate.json");

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SuiteFile)!);
            Client = AdapterZips.OperatorClient(await Assistant.ReadyClientAsync());
        }

        public Task DisposeAsync()
        {
            Client.Dispose();
            Assistant.Dispose();
            Suites.Dispose();
            return Task.CompletedTask;
        }
    }

    readonly Host _host;

    public GateJobApiTests(Host host) => _host = host;

    void WriteSuite(string reference, string metric) => OperatorCalls.WriteSuite(_host.Assistant, _host.SuiteFile, reference, metric);

    Task<string> RegisterAsync(string adapter) => OperatorCalls.RegisterAsync(_host.Client, adapter);

    Task<JsonElement> GateToTheEndAsync(string id) => OperatorCalls.GateToTheEndAsync(_host.Client, id);

    Task<JsonElement> ListedAsync(string id) => OperatorCalls.ListedAsync(_host.Client, id);

    [Fact]
    public async Task A_gate_that_passes_ends_succeeded_and_makes_the_adapter_releasable()
    {
        WriteSuite("Tuesday is collection day.", """{"metric": "key_fact_accuracy", "direction": "higher", "max_drop": 0.5}""");
        var id = await RegisterAsync("candidate");

        var job = await GateToTheEndAsync(id);

        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.StartsWith("pass", job.GetProperty("message").GetString(), StringComparison.Ordinal);
        var listed = await ListedAsync(id);
        Assert.True(listed.GetProperty("releasable").GetBoolean(), listed.ToString());
        var verdict = listed.GetProperty("verdicts")[0];
        Assert.Equal("pass", verdict.GetProperty("verdict").GetString());
        // Judged against the adapter in production (the host's default, "sft"), not the base alone.
        Assert.Equal(DomainAssistant.Model.Lora.PeftAdapter.WeightsSha256(ScriptedModel.Instance.Adapters["sft"]), verdict.GetProperty("baselineSha256").GetString());
        Assert.True(File.Exists(verdict.GetProperty("report").GetString()));
    }

    [Fact]
    public async Task A_gate_that_fails_ends_succeeded_with_the_failed_metric_and_the_adapter_stays_unreleasable()
    {
        WriteSuite("Collection moves to Friday 7 March at 06:30.", """{"metric": "key_fact_accuracy", "direction": "higher", "min": 0.99}""");
        var id = await RegisterAsync("sft");

        var job = await GateToTheEndAsync(id);

        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.StartsWith("fail: key_fact_accuracy", job.GetProperty("message").GetString(), StringComparison.Ordinal);
        var listed = await ListedAsync(id);
        Assert.False(listed.GetProperty("releasable").GetBoolean());
        Assert.Contains("key_fact_accuracy", listed.GetProperty("notReleasableBecause").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gate_that_cannot_run_ends_failed_naming_why()
    {
        WriteSuite("Tuesday.", """{"metric": "key_fact_accuracy", "direction": "lower", "max_drop": 0.5}""");
        var id = await RegisterAsync("candidate");

        var job = await GateToTheEndAsync(id);

        Assert.Equal("failed", job.GetProperty("state").GetString());
        Assert.Contains("direction", job.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_adapter_is_a_404()
    {
        using var response = await _host.Client.PostAsync(new Uri("/api/operator/adapters/nope/gate", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
