using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Storage.Tests;
using Npgsql;

namespace DomainAssistant.Api.Tests.Faults;

/// <summary>
/// Issue 20's fault "PostgreSQL restarted during chat and feedback", on the run's real PostgreSQL server: an API host in
/// the scale-out mode (Storage:Database = PostgreSql) reaches its scratch database through a <see cref="DatabaseLink"/>;
/// cutting the link is what the host sees while the server is stopped. Requests then answer 503 with Retry-After at
/// once, naming the store; once the link is back the same host serves again and nothing accepted before is missing.
/// </summary>
public sealed class PostgresOutageTests
{
    // Short so that a server that does not answer at all (not even a refusal) still fails the request quickly.
    const string QuickTimeouts = "Timeout=3;Command Timeout=10";

    static readonly TimeSpan Fast = TimeSpan.FromSeconds(5);

    [SkippableFact]
    public async Task Chat_and_feedback_answer_503_with_Retry_After_while_the_database_is_down_and_serve_again_once_it_is_back()
    {
        await using var database = await ScratchPostgres.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var link = DatabaseLink.Open(server.Host!, server.Port);
        var throughLink = new NpgsqlConnectionStringBuilder($"{database.ConnectionString};{QuickTimeouts}") { Host = "127.0.0.1", Port = link.Port };
        using var host = new AssistantHost(new Dictionary<string, string?>
        {
            ["Storage:Database"] = "PostgreSql",
            ["Storage:PostgreSqlConnection"] = throughLink.ToString(),
        });
        var client = await host.ReadyClientAsync();
        var (_, before, _) = await client.ChatAsync("Where do batteries go?");
        var conversationId = before.GetProperty("conversationId").GetGuid();
        var messageId = before.GetProperty("messageId").GetGuid();

        await link.CutAsync();

        await AssertStoreUnavailableAsync(() => client.PostChatAsync(new { message = "When is the blue bin emptied?" }), "conversation store");
        await AssertStoreUnavailableAsync(() => client.PostChatAsync(new { message = "And glass?", conversationId }), "conversation store");
        await AssertStoreUnavailableAsync(() => client.GetAsync(new Uri($"/api/conversations/{conversationId}", UriKind.Relative)), "conversation store");
        await AssertStoreUnavailableAsync(() => client.PostAsJsonAsync("/api/feedback", new { messageId, rating = "up" }), "conversation store");
        await AssertOpenAiStoreUnavailableAsync(client, "conversation store");
        // An outage answers many requests alike: one warning line each, never a stack trace each; the outbox's sweeps
        // log their first failure with its trace, the later ones as a line.
        Assert.Contains(host.Log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("answered 503, the conversation store (PostgreSQL)", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Log.Traces, l => l.Contains("answered 503", StringComparison.Ordinal));
        Assert.True(host.Log.Traces.Count <= 1, string.Join('\n', host.Log.Traces));

        link.Restore();

        // The pool's dropped connections fail once each at most; the host recovers without a restart.
        var (_, after, _) = await EventuallyAsync(() => client.ChatAsync("And glass?", conversationId: conversationId), TimeSpan.FromSeconds(30));
        Assert.Equal(conversationId, after.GetProperty("conversationId").GetGuid());
        using var rated = await client.PostAsJsonAsync("/api/feedback", new { messageId, rating = "up" });
        Assert.Equal(HttpStatusCode.Accepted, rated.StatusCode);
        using var read = await client.GetAsync(new Uri($"/api/conversations/{conversationId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var stored = await read.Content.ReadAsStringAsync();
        Assert.Contains(messageId.ToString(), stored, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(after.GetProperty("messageId").GetGuid().ToString(), stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("When is the blue bin emptied?", stored, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Connections_the_server_terminates_answer_503_or_succeed_never_500_and_the_next_request_is_served()
    {
        await using var database = await ScratchPostgres.CreateAsync();
        using var host = new AssistantHost(new Dictionary<string, string?>
        {
            ["Storage:Database"] = "PostgreSql",
            ["Storage:PostgreSqlConnection"] = $"{database.ConnectionString};{QuickTimeouts}",
        });
        var client = await host.ReadyClientAsync();
        var (_, first, _) = await client.ChatAsync("Where do batteries go?");
        var conversationId = first.GetProperty("conversationId").GetGuid();

        // What a restart does to the connections a pool holds: the server ends them (57P01, admin_shutdown).
        await TerminateConnectionsAsync(database.Name);

        using (var during = await client.GetAsync(new Uri($"/api/conversations/{conversationId}", UriKind.Relative)))
        {
            Assert.True(during.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"answered {(int)during.StatusCode}: {await during.Content.ReadAsStringAsync()}");
            if (during.StatusCode == HttpStatusCode.ServiceUnavailable) Assert.NotNull(during.Headers.RetryAfter);
        }
        var (_, next, _) = await EventuallyAsync(() => client.ChatAsync("And glass?", conversationId: conversationId), TimeSpan.FromSeconds(15));
        Assert.Equal(conversationId, next.GetProperty("conversationId").GetGuid());
    }

    static async Task AssertStoreUnavailableAsync(Func<Task<HttpResponseMessage>> send, string store)
    {
        var clock = Stopwatch.StartNew();
        using var response = await send();
        var elapsed = clock.Elapsed;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"answered {(int)response.StatusCode}: {body}");
        Assert.True(elapsed < Fast, $"the 503 took {elapsed}");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After in seconds");
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
        Assert.Contains(store, detail, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", detail, StringComparison.Ordinal);
    }

    // /v1 answers the same outage in OpenAI's error body, so OpenAI clients read it (and retry on 503).
    static async Task AssertOpenAiStoreUnavailableAsync(HttpClient client, string store)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = AssistantHost.Domain, messages = new[] { new { role = "user", content = "Missed bin?" } } }),
        };
        request.Headers.Authorization = new("Bearer", AssistantHost.UserKey);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"answered {(int)response.StatusCode}: {body}");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After in seconds");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Contains(store, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    static async Task<T> EventuallyAsync<T>(Func<Task<T>> attempt, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    static async Task TerminateConnectionsAsync(string database)
    {
        await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable("POSTGRES_ADMIN_CONNECTION"));
        await admin.OpenAsync();
        await using var terminate = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()", admin);
        terminate.Parameters.AddWithValue("database", database);
        Assert.True((long)(await terminate.ExecuteScalarAsync())! > 0, "the host held no connection to terminate");
    }
}
