using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Storage.Jobs;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// The <see cref="AssistantHost"/> (real host, fresh data folder, fernbrook-recycling, scripted model, user and
/// domain-team keys) with a small upload limit (<see cref="MaxBytes"/>), and what upload tests ask of it.
/// </summary>
public sealed class UploadHost : IDisposable
{
    public const string Domain = AssistantHost.Domain;
    public const string TeamKey = AssistantHost.TeamKey;
    public const string UserKey = AssistantHost.UserKey;
    public const string Uploader = "key:fernbrook-team";
    public const long MaxBytes = 16 * 1024;

    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public AssistantHost Assistant { get; } = new(new Dictionary<string, string?> { ["Uploads:MaxBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public IServiceProvider Services => Assistant.Services;

    public string DataDirectory => Assistant.DataDirectory;

    /// <summary>A client sending <paramref name="key"/> as a bearer token (none when null).</summary>
    public HttpClient Client(string? key = TeamKey)
    {
        var client = Assistant.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Waits until startup indexing is done, so the index changes only when a test changes it.</summary>
    public Task IndexReadyAsync() => Services.GetRequiredService<CorpusIndex>().Warmup.Ready.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Polls <c>GET /api/jobs/{id}</c> until the job has finished.</summary>
    public async Task<JobRecord> FinishedJobAsync(Guid id)
    {
        using var client = Client();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var job = await client.GetFromJsonAsync<JobRecord>($"/api/jobs/{id}", Json);
            if (JobStates.IsFinished(job!.State)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} is still {job.State} ({job.Message}).");
            await Task.Delay(100);
        }
    }

    public void Dispose() => Assistant.Dispose();
}
