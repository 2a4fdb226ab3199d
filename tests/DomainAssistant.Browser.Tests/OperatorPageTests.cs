using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Operations;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DomainAssistant.Browser.Tests;

/// <summary>
/// The operator dashboard end to end (issue 18): a gated adapter is A/B tested against production while simulated
/// users with sticky ids chat and rate through the real HTTP API; the page shows what
/// <c>GET /api/operator/experiments/{id}</c> answers, charts it, and changes the experiment; a restart on the same
/// data loses nothing.
/// </summary>
public sealed class OperatorPageTests : IDisposable
{
    const int Users = 200;

    readonly TempFolder _data = new();
    readonly TempFolder _suites = new();

    public void Dispose()
    {
        _data.Dispose();
        _suites.Dispose();
    }

    Dictionary<string, string?> Settings() => new()
    {
        ["Storage:DataDirectory"] = _data.Path,
        ["Operator:GateSuites"] = _suites.Path,
        ["Experiments:FlagRefresh"] = "00:00:00",
        ["Experiments:GuardrailInterval"] = "01:00:00",
    };

    [ChromiumFact]
    public async Task The_page_shows_the_figures_the_api_gives_changes_the_experiment_and_a_restart_loses_nothing()
    {
        JsonElement before;
        string id;
        var host = new BrowserHost(Settings());
        try
        {
            var errors = new List<string>();
            var page = await host.NewPageAsync(errors);
            using var users = await host.Assistant.ReadyClientAsync();
            using var operatorClient = AdapterZips.OperatorClient(host.Assistant.CreateClient());
            OperatorCalls.WritePassingSuite(host.Assistant, Path.Combine(_suites.Path, AssistantHost.Domain, "gate.json"));
            var treatment = await OperatorCalls.RegisterAsync(operatorClient, "candidate");
            var gate = await OperatorCalls.GateToTheEndAsync(operatorClient, treatment);
            Assert.StartsWith("pass", gate.GetProperty("message").GetString(), StringComparison.Ordinal);
            using var created = await operatorClient.PostAsJsonAsync(new Uri("/api/operator/experiments", UriKind.Relative),
                new { name = "candidate vs sft", domain = AssistantHost.Domain, control = (string?)null, treatment, treatmentPercent = 50 });
            id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

            // Simulated users: each asks once and rates; the treatment's answers are liked more often.
            var thumbs = new Dictionary<string, (int Up, int Down)> { ["control"] = (0, 0), ["treatment"] = (0, 0) };
            for (var i = 0; i < Users; i++)
            {
                var (_, done, _) = await users.ChatAsync("When is collection day?", $"sim-{i:D3}");
                var variant = done.GetProperty("variant").GetString()!;
                var up = variant == "treatment" ? i % 4 != 0 : i % 2 == 0;
                using var rated = await users.PostAsJsonAsync(new Uri("/api/feedback", UriKind.Relative),
                    new { messageId = done.GetProperty("messageId").GetGuid(), rating = up ? "up" : "down" });
                rated.EnsureSuccessStatusCode();
                thumbs[variant] = up ? (thumbs[variant].Up + 1, thumbs[variant].Down) : (thumbs[variant].Up, thumbs[variant].Down + 1);
            }
            var api = await ExperimentAsync(operatorClient, id);
            var timeline = JsonDocument.Parse(await operatorClient.GetStringAsync(new Uri($"/api/operator/experiments/{id}/timeline", UriKind.Relative))).RootElement;
            Assert.Contains(timeline.EnumerateArray(), p => p.GetProperty("variant").GetString() == "treatment" && p.GetProperty("ratings").GetInt64() > 0);

            await page.GotoAsync("/operator.html");
            await page.GetByLabel("API key").FillAsync(AssistantHost.UserKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show experiments" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("cannot see experiments");

            await page.GetByLabel("API key").FillAsync(AssistantHost.OperatorKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show experiments" }).ClickAsync();
            await Expect(page.Locator("#detail-title")).ToContainTextAsync("candidate vs sft");
            foreach (var variant in api.GetProperty("variants").EnumerateArray())
            {
                var name = variant.GetProperty("name").GetString()!;
                var cells = page.Locator($"#variant-rows tr[data-variant='{name}'] td");
                await Expect(cells.Nth(3)).ToHaveTextAsync(Count(variant, "exposures"));
                await Expect(cells.Nth(4)).ToHaveTextAsync(Count(variant, "users"));
                await Expect(cells.Nth(5)).ToHaveTextAsync(Count(variant, "ratingsUp"));
                await Expect(cells.Nth(6)).ToHaveTextAsync(Count(variant, "ratingsDown"));
                await Expect(cells.Nth(7)).ToContainTextAsync(Percent(variant.GetProperty("upRate").GetDouble()));
                Assert.Equal(thumbs[name].Up, variant.GetProperty("ratingsUp").GetInt32());
                Assert.Equal(thumbs[name].Down, variant.GetProperty("ratingsDown").GetInt32());
            }
            Assert.Equal(Users, api.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("users").GetInt32()));
            await Expect(page.Locator("#chart canvas")).ToHaveCountAsync(1);
            await Expect(page.Locator("#chart-summary")).ToContainTextAsync("up-rate");
            await BrowserHost.ScreenshotAsync(page, "operator");

            // Changes from the page reach the API and its audit.
            await page.GetByLabel("Treatment share (%)").FillAsync("30");
            await page.GetByRole(AriaRole.Button, new() { Name = "Set share" }).ClickAsync();
            await Expect(page.Locator("#audit-rows tr")).ToHaveCountAsync(2);
            await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
            await Expect(page.Locator("#detail-status")).ToHaveTextAsync("Status: paused");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeEnabledAsync();
            await Expect(page.Locator("#audit-rows tr")).ToHaveCountAsync(3);
            before = await ExperimentAsync(operatorClient, id);
            Assert.Equal("paused", before.GetProperty("status").GetString());
            Assert.Equal(30, before.GetProperty("treatmentPercent").GetDouble());
            Assert.Equal(["create", "percent", "pause"], before.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
            Assert.DoesNotContain(errors, e => !e.Contains("403", StringComparison.Ordinal));
        }
        finally
        {
            await host.DisposeAsync();
        }

        // A new process on the same data folder shows the same experiment, counts and audit.
        using var restarted = new AssistantHost(Settings());
        using var again = AdapterZips.OperatorClient(await restarted.ReadyClientAsync());
        var after = await ExperimentAsync(again, id);
        Assert.Equal(Figures(before), Figures(after));
        Assert.Equal(before.GetProperty("audit").GetRawText(), after.GetProperty("audit").GetRawText());
    }

    static async Task<JsonElement> ExperimentAsync(HttpClient operatorClient, string id) =>
        JsonDocument.Parse(await operatorClient.GetStringAsync(new Uri($"/api/operator/experiments/{id}", UriKind.Relative))).RootElement.Clone();

    static string Count(JsonElement variant, string property) => variant.GetProperty(property).GetInt64().ToString("N0", CultureInfo.InvariantCulture);

    static string Percent(double rate) => (100 * rate).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    static string Figures(JsonElement experiment) => string.Join(";", experiment.GetProperty("variants").EnumerateArray().Select(v =>
        $"{v.GetProperty("name")}:{v.GetProperty("exposures")}/{v.GetProperty("users")}/{v.GetProperty("ratingsUp")}/{v.GetProperty("ratingsDown")}/{v.GetProperty("percent")}"))
        + $";{experiment.GetProperty("status")}";
}
