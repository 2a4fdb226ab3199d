using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Operator;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Operations;

/// <summary>
/// The operator's free text is bounded at the edge like every other (issue 22): an experiment's name and the reason of
/// a status change are refused with a 400 naming the field before anything is looked up or stored.
/// </summary>
public sealed class ExperimentTextLimitsTests
{
    static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, object? body = null)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), body is null ? null : JsonContent.Create(body));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task An_experiment_name_over_the_limit_is_a_400_naming_the_field()
    {
        using var host = new AssistantHost();
        using var client = AdapterZips.OperatorClient(host.CreateClient());
        var draft = new { name = new string('n', ExperimentsApi.MaxNameLength + 1), domain = AssistantHost.Domain, treatment = "nobody", treatmentPercent = 10 };

        var (status, body) = await PostAsync(client, "/api/operator/experiments", draft);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("name", out _), body.ToString());
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("rollback")]
    [InlineData("promote")]
    [InlineData("ramp")]
    public async Task A_reason_over_the_limit_is_a_400_naming_the_field(string change)
    {
        using var host = new AssistantHost();
        using var client = AdapterZips.OperatorClient(host.CreateClient());

        var (status, body) = await PostAsync(client, $"/api/operator/experiments/no-such-experiment/{change}?reason={new string('r', ExperimentsApi.MaxReasonLength + 1)}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("reason", out _), body.ToString());
    }
}
