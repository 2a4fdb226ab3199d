using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DomainAssistant.Api.Tests.Faults;

/// <summary>
/// Issue 20's fault "disk full or read-only data directory in the embedded mode": a host on SQLite whose data
/// directory is a small tmpfs of its own (<see cref="ScratchFilesystem"/>), made full or read-only under it. Chat and
/// feedback answer 503 with Retry-After and say what is wrong; once the fault is gone the same host serves again,
/// every SQLite file passes its integrity check, every acknowledged row is there and no refused one is.
/// </summary>
public sealed class DataDirectoryFaultTests
{
    // Room for the host's files (databases, the sample domain's index) and a few writes.
    const int FilesystemMegabytes = 64;

    [SkippableFact]
    public async Task A_full_disk_answers_503_and_leaves_every_sqlite_file_intact()
    {
        using var filesystem = ScratchFilesystem.Mount(FilesystemMegabytes);
        var acknowledged = new List<Guid>();
        Guid refused;
        using (var host = new AssistantHost(new Dictionary<string, string?> { ["Storage:DataDirectory"] = filesystem.Path }))
        {
            var client = await host.ReadyClientAsync();
            var (_, answered, _) = await client.ChatAsync("Where do batteries go?");
            var messageId = answered.GetProperty("messageId").GetGuid();
            acknowledged.Add(await RateAsync(client, messageId));

            filesystem.Fill();

            await AssertUnavailableAsync(await client.PostChatAsync(new { message = "Written on a full disk?" }), FullDisk);
            refused = Guid.NewGuid();
            await AssertUnavailableAsync(await client.PostAsJsonAsync("/api/feedback", new { messageId, rating = "down", feedbackId = refused }), FullDisk);

            filesystem.Free();

            var (_, again, _) = await client.ChatAsync("Is there a charge for bulky waste?");
            acknowledged.Add(await RateAsync(client, again.GetProperty("messageId").GetGuid()));
        }

        AssertIntactWith(filesystem.Path, acknowledged, refused, "Written on a full disk?");
    }

    [SkippableFact]
    public async Task A_read_only_data_directory_answers_503_and_leaves_every_sqlite_file_intact()
    {
        using var filesystem = ScratchFilesystem.Mount(FilesystemMegabytes);
        var acknowledged = new List<Guid>();
        Guid refused;
        using (var host = new AssistantHost(new Dictionary<string, string?> { ["Storage:DataDirectory"] = filesystem.Path }))
        {
            var client = await host.ReadyClientAsync();
            var (_, answered, _) = await client.ChatAsync("Where do batteries go?");
            var messageId = answered.GetProperty("messageId").GetGuid();
            acknowledged.Add(await RateAsync(client, messageId));

            await MakeReadOnlyAsync(filesystem);
            try
            {
                await AssertUnavailableAsync(await client.PostChatAsync(new { message = "Written on a read-only disk?" }), null);
                refused = Guid.NewGuid();
                await AssertUnavailableAsync(await client.PostAsJsonAsync("/api/feedback", new { messageId, rating = "down", feedbackId = refused }), null);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                filesystem.MakeWritable();
            }

            var (_, again, _) = await client.ChatAsync("Is there a charge for bulky waste?");
            acknowledged.Add(await RateAsync(client, again.GetProperty("messageId").GetGuid()));
        }

        AssertIntactWith(filesystem.Path, acknowledged, refused, "Written on a read-only disk?");
    }

    // The kernel remounts read-only only while no file there is open for writing: the idle pooled connections go
    // first, and a background write of the host (the outbox's sweep, the filing consumer) is waited out.
    static async Task MakeReadOnlyAsync(ScratchFilesystem filesystem)
    {
        var why = "";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            SqliteConnection.ClearAllPools();
            (var done, why) = filesystem.MakeReadOnly();
            if (done) return;
            await Task.Delay(100);
        }
        Assert.Fail($"could not remount read-only: {why}");
    }

    static async Task<Guid> RateAsync(HttpClient client, Guid messageId)
    {
        using var response = await client.PostAsJsonAsync("/api/feedback", new { messageId, rating = "up" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("feedbackId").GetGuid();
    }

    // A full disk reaches SQLite as SQLITE_FULL when a page cannot be added, but as an I/O error when the WAL or its
    // shared-memory file cannot grow (or cannot be opened): which one depends on which file the write needed.
    static readonly string[] FullDisk = ["full", "I/O error", "cannot be opened"];

    /// <param name="response">Disposed here.</param>
    /// <param name="causes">Words one of which the detail must hold, or null to accept any SQLite cause.</param>
    static async Task AssertUnavailableAsync(HttpResponseMessage response, string[]? causes)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"answered {(int)response.StatusCode}: {body}");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After in seconds");
            var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
            Assert.Contains("SQLite reports", detail, StringComparison.Ordinal);
            Assert.Contains(" store ", detail, StringComparison.Ordinal);
            if (causes is not null) Assert.True(causes.Any(c => detail!.Contains(c, StringComparison.Ordinal)), detail);
        }
    }

    static void AssertIntactWith(string dataDirectory, IReadOnlyList<Guid> acknowledged, Guid refused, string refusedQuestion)
    {
        SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(dataDirectory, "*.db", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
            Assert.Equal($"{file}: ok", $"{file}: {Rows.Scalar(file, "PRAGMA integrity_check")}");
        var feedback = Path.Combine(dataDirectory, "feedback.db");
        foreach (var id in acknowledged)
            Assert.Equal(1L, Rows.Scalar(feedback, $"SELECT COUNT(*) FROM feedback WHERE feedback_id = '{id:D}'"));
        Assert.Equal(0L, Rows.Scalar(feedback, $"SELECT COUNT(*) FROM feedback WHERE feedback_id = '{refused:D}'"));
        Assert.Equal(0L, Rows.Scalar(Path.Combine(dataDirectory, "conversations.db"),
            $"SELECT COUNT(*) FROM messages WHERE content = '{refusedQuestion}'"));
    }
}
