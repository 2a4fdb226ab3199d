using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Jobs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// The real host (in memory) over a fresh data folder, with a copy of the sample domain fernbrook-recycling, a tiny real
/// model, a domain-team key and a user key, and a small upload limit (<see cref="MaxBytes"/>). Everything is deleted on dispose.
/// </summary>
public sealed class UploadHost : WebApplicationFactory<Program>
{
    public const string Domain = "fernbrook-recycling";
    public const string TeamKey = "team-key-5f0c1a2b3c4d";
    public const string UserKey = "user-key-9e8d7c6b5a4f";
    public const long MaxBytes = 16 * 1024;

    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    readonly string _root = Path.Combine(Path.GetTempPath(), "da-upload-" + Guid.NewGuid().ToString("N"));

    public UploadHost()
    {
        var source = Path.Combine(RepositoryRoot, "domains", Domain);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(DomainsRoot, Domain, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        TinyModel.Save(ModelFolder, Path.Combine(source, "corpus"));
    }

    public string DataDirectory => Path.Combine(_root, "data");
    string DomainsRoot => Path.Combine(_root, "domains");
    string ModelFolder => Path.Combine(_root, "model");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Domains:Root", DomainsRoot);
        builder.UseSetting("Model:Path", ModelFolder);
        builder.UseSetting("Uploads:MaxBytes", MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Auth:Keys:0:Name", "team");
        builder.UseSetting("Auth:Keys:0:Key", TeamKey);
        builder.UseSetting("Auth:Keys:0:Role", "domain-team");
        builder.UseSetting("Auth:Keys:1:Name", "reader");
        builder.UseSetting("Auth:Keys:1:Key", UserKey);
        builder.UseSetting("Auth:Keys:1:Role", "user");
    }

    /// <summary>A client sending <paramref name="key"/> as a bearer token (none when null).</summary>
    public HttpClient Client(string? key = TeamKey)
    {
        var client = CreateClient();
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

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { /* a file still open: the OS temp cleaner takes it */ }
    }

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (DomainAssistant.sln) is not above the test binaries.");
    }
}
