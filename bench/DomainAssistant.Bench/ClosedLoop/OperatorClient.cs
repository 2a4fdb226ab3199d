using System.Net.Http.Headers;
using System.Text.Json;

namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>
/// What the closed-loop harness reads from the host's operator API (with an operator key): the domain's alignment
/// runs, its adapters with their gate verdicts, and its experiments. Reading only: the harness never starts a run,
/// an experiment or a promotion; the product does that by itself.
/// </summary>
public sealed class OperatorClient(HttpClient http, string operatorKey)
{
    public async Task<JsonElement[]> AlignmentRunsAsync(string domain, CancellationToken cancellationToken) =>
        [.. (await GetAsync($"api/operator/alignment-runs?domain={Uri.EscapeDataString(domain)}", cancellationToken)).EnumerateArray()];

    public async Task<JsonElement[]> AdaptersAsync(CancellationToken cancellationToken) =>
        [.. (await GetAsync("api/operator/adapters", cancellationToken)).EnumerateArray()];

    public async Task<JsonElement[]> ExperimentsAsync(CancellationToken cancellationToken) =>
        [.. (await GetAsync("api/operator/experiments", cancellationToken)).EnumerateArray()];

    public Task<JsonElement> ExperimentAsync(string id, CancellationToken cancellationToken) =>
        GetAsync($"api/operator/experiments/{Uri.EscapeDataString(id)}", cancellationToken);

    async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
