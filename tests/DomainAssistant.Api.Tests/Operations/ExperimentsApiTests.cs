using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Lora;
using TorchSharp;

namespace DomainAssistant.Api.Tests.Operations;

/// <summary>
/// Experiments through the real host (issue 18): only a gated adapter may be a treatment; users are split stickily by
/// the experiment's flag and served the registered adapter, loaded at run time; each answer is one exposure and each
/// thumb one rating; operators change the split and the status, every change in the audit; and an adapter file that
/// changed since its verdict is never served (issue 17).
/// </summary>
public sealed class ExperimentsApiTests : IDisposable
{
    static readonly double[] RampToEveryone = [100];

    readonly TempFolder _suites = new();
    readonly AssistantHost _host;

    public ExperimentsApiTests() => _host = new AssistantHost(new Dictionary<string, string?>
    {
        ["Operator:GateSuites"] = _suites.Path,
        // A change reaches the flags at once, and no guardrail rolls back while a test looks.
        ["Experiments:FlagRefresh"] = "00:00:00", ["Experiments:GuardrailInterval"] = "01:00:00",
    });

    public void Dispose()
    {
        _host.Dispose();
        _suites.Dispose();
    }

    async Task<(HttpClient Operator, HttpClient Users)> ClientsAsync()
    {
        var users = await _host.ReadyClientAsync();
        OperatorCalls.WritePassingSuite(_host, _suites.Combine(AssistantHost.Domain, "gate.json"));
        return (AdapterZips.OperatorClient(_host.CreateClient()), users);
    }

    static async Task<string> GatedAsync(HttpClient operatorClient, string adapter)
    {
        var id = await OperatorCalls.RegisterAsync(operatorClient, adapter);
        var job = await OperatorCalls.GateToTheEndAsync(operatorClient, id);
        Assert.StartsWith("pass", job.GetProperty("message").GetString(), StringComparison.Ordinal);
        return id;
    }

    static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    static object Draft(string treatment, double percent, string name = "kto vs sft") =>
        new { name, domain = AssistantHost.Domain, control = (string?)null, treatment, treatmentPercent = percent };

    [Fact]
    public async Task A_treatment_without_a_passing_verdict_is_a_422_naming_why()
    {
        var (operatorClient, _) = await ClientsAsync();
        var ungated = await OperatorCalls.RegisterAsync(operatorClient, "candidate");

        var (status, body) = await SendAsync(operatorClient, HttpMethod.Post, "/api/operator/experiments", Draft(ungated, 50));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("has no gate verdict", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (unknown, unknownBody) = await SendAsync(operatorClient, HttpMethod.Post, "/api/operator/experiments", Draft("nobody", 50));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown);
        Assert.Contains("not a registered adapter", unknownBody.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var anonymous = _host.CreateClient();
        var (unauthorized, _) = await SendAsync(anonymous, HttpMethod.Post, "/api/operator/experiments", Draft(ungated, 50));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized);
    }

    [Fact]
    public async Task Users_are_split_stickily_exposed_once_per_answer_and_their_thumbs_counted_per_variant_and_every_change_is_audited()
    {
        var (operatorClient, users) = await ClientsAsync();
        var treatment = await GatedAsync(operatorClient, "candidate");
        var (created, createdBody) = await SendAsync(operatorClient, HttpMethod.Post, "/api/operator/experiments", Draft(treatment, 50));
        Assert.Equal(HttpStatusCode.Created, created);
        var id = createdBody.GetProperty("id").GetString()!;

        var served = new Dictionary<string, (string Variant, string Adapter)>();
        var thumbs = new Dictionary<string, (int Up, int Down)> { ["control"] = (0, 0), ["treatment"] = (0, 0) };
        for (var i = 0; i < 30; i++)
        {
            var user = $"user-{i:D2}";
            for (var turn = 0; turn < 2; turn++)
            {
                var (_, done, _) = await users.ChatAsync("When is collection day?", user);
                var variant = done.GetProperty("variant").GetString()!;
                var adapter = done.GetProperty("adapter").GetString()!;
                if (served.TryGetValue(user, out var before)) Assert.Equal(before, (variant, adapter)); // sticky
                served[user] = (variant, adapter);
                Assert.Equal(variant == "treatment" ? treatment : "sft", adapter);
                var up = i % 3 != 0;
                using var feedback = await users.PostAsJsonAsync(new Uri("/api/feedback", UriKind.Relative),
                    new { messageId = done.GetProperty("messageId").GetGuid(), rating = up ? "up" : "down" });
                Assert.Equal(HttpStatusCode.Accepted, feedback.StatusCode);
                thumbs[variant] = up ? (thumbs[variant].Up + 1, thumbs[variant].Down) : (thumbs[variant].Up, thumbs[variant].Down + 1);
            }
        }
        Assert.Equal(2, served.Values.Select(s => s.Variant).Distinct().Count());

        var (shown, view) = await SendAsync(operatorClient, HttpMethod.Get, $"/api/operator/experiments/{id}");
        Assert.Equal(HttpStatusCode.OK, shown);
        Assert.Equal("running", view.GetProperty("status").GetString());
        foreach (var variant in view.GetProperty("variants").EnumerateArray())
        {
            var name = variant.GetProperty("name").GetString()!;
            var usersOf = served.Count(s => s.Value.Variant == name);
            Assert.Equal(usersOf, variant.GetProperty("users").GetInt64());
            Assert.Equal(2 * usersOf, variant.GetProperty("exposures").GetInt64());
            Assert.Equal(thumbs[name].Up, variant.GetProperty("ratingsUp").GetInt64());
            Assert.Equal(thumbs[name].Down, variant.GetProperty("ratingsDown").GetInt64());
            Assert.Equal(50, variant.GetProperty("percent").GetDouble());
            var sha = PeftAdapter.WeightsSha256(ScriptedModel.Instance.Adapters[name == "treatment" ? "candidate" : "sft"]);
            Assert.Equal(sha, variant.GetProperty("adapterSha256").GetString());
            var rate = variant.GetProperty("upRate").GetDouble();
            Assert.InRange(rate, variant.GetProperty("upRateCiLow").GetDouble(), variant.GetProperty("upRateCiHigh").GetDouble());
        }
        Assert.Equal("inconclusive", view.GetProperty("difference").GetProperty("decision").GetString()); // far fewer than 50 raters per arm
        Assert.True(view.GetProperty("srmPValue").GetDouble() is >= 0 and <= 1);
        Assert.Equal(3, view.GetProperty("guardrails").GetArrayLength());

        // All to the treatment; then paused: everyone on control and nothing recorded; then resumed and promoted.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(operatorClient, HttpMethod.Patch, $"/api/operator/experiments/{id}", new { treatmentPercent = 100 })).Status);
        Assert.Equal("treatment", (await users.ChatAsync("When is collection day?", "user-new")).Done.GetProperty("variant").GetString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(operatorClient, HttpMethod.Post, $"/api/operator/experiments/{id}/pause")).Status);
        var paused = (await users.ChatAsync("When is collection day?", "user-new")).Done;
        Assert.Equal(("control", "sft"), (paused.GetProperty("variant").GetString(), paused.GetProperty("adapter").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(operatorClient, HttpMethod.Post, $"/api/operator/experiments/{id}/resume")).Status);
        var (promoted, promotedBody) = await SendAsync(operatorClient, HttpMethod.Post, $"/api/operator/experiments/{id}/promote?reason=better");
        Assert.Equal(HttpStatusCode.OK, promoted);
        Assert.Equal("promoted", promotedBody.GetProperty("status").GetString());
        var (again, _) = await SendAsync(operatorClient, HttpMethod.Post, $"/api/operator/experiments/{id}/pause");
        Assert.Equal(HttpStatusCode.Conflict, again);

        var final = (await SendAsync(operatorClient, HttpMethod.Get, $"/api/operator/experiments/{id}")).Body;
        var treatmentExposures = final.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "treatment").GetProperty("exposures").GetInt64();
        Assert.Equal(2 * served.Count(s => s.Value.Variant == "treatment") + 1, treatmentExposures); // the paused answer was not recorded
        var audit = final.GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal(["create", "percent", "pause", "resume", "promote"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.All(audit, a => Assert.Equal("ops", a.GetProperty("actor").GetString()));
        Assert.Equal(50, audit[1].GetProperty("before").GetProperty("treatmentPercent").GetDouble());
        Assert.Equal(100, audit[1].GetProperty("after").GetProperty("treatmentPercent").GetDouble());
        Assert.Equal("better", audit[4].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_adapter_file_changed_after_its_verdict_is_never_served_nor_promoted()
    {
        var (operatorClient, users) = await ClientsAsync();
        var treatment = await GatedAsync(operatorClient, "candidate");
        var (_, createdBody) = await SendAsync(operatorClient, HttpMethod.Post, "/api/operator/experiments", Draft(treatment, 100));
        var id = createdBody.GetProperty("id").GetString()!;

        // The registered file is rewritten after its gate, before any process loaded it.
        var folder = (await OperatorCalls.ListedAsync(operatorClient, treatment)).GetProperty("folder").GetString()!;
        var weights = Path.Combine(folder, PeftAdapter.WeightsFileName);
        var tensors = SafeTensors.Load(weights);
        using var shift = 0.5.ToScalar();
        foreach (var tensor in tensors.Values) tensor.add_(shift, DomainAssistant.Model.TorchScalars.One);
        SafeTensors.Save(weights, tensors);
        foreach (var tensor in tensors.Values) tensor.Dispose();

        var done = (await users.ChatAsync("When is collection day?", "user-1")).Done;

        Assert.Equal("sft", done.GetProperty("adapter").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("variant").ValueKind);
        Assert.Contains(_host.Log.Lines, line => line.Contains("refuses to serve", StringComparison.Ordinal));
        var view = (await SendAsync(operatorClient, HttpMethod.Get, $"/api/operator/experiments/{id}")).Body;
        Assert.All(view.GetProperty("variants").EnumerateArray(), v => Assert.Equal(0, v.GetProperty("exposures").GetInt64()));
        var (promote, body) = await SendAsync(operatorClient, HttpMethod.Post, $"/api/operator/experiments/{id}/promote");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, promote);
        Assert.Contains("changed since it was registered", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAI_user_field_is_the_sticky_id_a_live_experiment_blocks_a_second_and_a_ramp_takes_the_next_step()
    {
        var (operatorClient, users) = await ClientsAsync();
        var treatment = await GatedAsync(operatorClient, "candidate");
        var (_, createdBody) = await SendAsync(operatorClient, HttpMethod.Post, "/api/operator/experiments",
            new { name = "ramped", domain = AssistantHost.Domain, control = (string?)null, treatment, treatmentPercent = 0, ramp = RampToEveryone });
        var id = createdBody.GetProperty("id").GetString()!;

        var (second, secondBody) = await SendAsync(operatorClient, HttpMethod.Post, "/api/operator/experiments", Draft(treatment, 10, "another"));
        Assert.Equal(HttpStatusCode.Conflict, second);
        Assert.Contains(AssistantHost.Domain, secondBody.GetProperty("detail").GetString(), StringComparison.Ordinal);

        async Task<string> VariantOfAsync(string user)
        {
            using var response = await users.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative),
                new { model = AssistantHost.Domain, user, messages = new[] { new { role = "user", content = "When is collection day?" } } });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("domain_assistant").GetProperty("variant").GetString()!;
        }

        Assert.Equal("control", await VariantOfAsync("openai-user-1"));
        var (ramped, rampedBody) = await SendAsync(operatorClient, HttpMethod.Post, $"/api/operator/experiments/{id}/ramp");
        Assert.Equal(HttpStatusCode.OK, ramped);
        Assert.Equal(100, rampedBody.GetProperty("treatmentPercent").GetDouble());
        Assert.Equal("treatment", await VariantOfAsync("openai-user-1"));
        Assert.Equal("treatment", await VariantOfAsync("openai-user-2"));
        var (top, _) = await SendAsync(operatorClient, HttpMethod.Post, $"/api/operator/experiments/{id}/ramp");
        Assert.Equal(HttpStatusCode.Conflict, top);

        var view = (await SendAsync(operatorClient, HttpMethod.Get, $"/api/operator/experiments/{id}")).Body;
        var counts = view.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("users").GetInt64());
        Assert.Equal(1, counts["control"]);
        Assert.Equal(2, counts["treatment"]); // the OpenAI user field, not one anonymous caller
    }
}
