using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>
/// Bad uploads are refused with the right status and a problem that names the file (and line), and leave every stored
/// corpus version, job and indexed chunk exactly as it was.
/// </summary>
public sealed class CorpusUploadRefusalTests(UploadHost host) : IClassFixture<UploadHost>
{
    [Theory]
    [InlineData(20 * 1024)]   // counted while reading
    [InlineData(400 * 1024)]  // refused by its Content-Length before reading
    public async Task An_upload_larger_than_Uploads_MaxBytes_is_refused_with_413(int bytes)
    {
        var before = await BaselineAsync();
        var problem = await RefusedAsync(Uploads.Of(("big.md", Uploads.Text("# Big\n" + new string('a', bytes)))), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Uploads:MaxBytes", problem.GetProperty("detail").GetString());
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    [Fact]
    public async Task A_file_type_that_is_not_accepted_is_refused_with_415_naming_the_file()
    {
        var before = await BaselineAsync();
        var problem = await RefusedAsync(Uploads.Of(("fine.md", Uploads.Text("# Fine\nText.")), ("slides.pdf", [0x25, 0x50, 0x44, 0x46])),
            HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("slides.pdf", problem.GetProperty("file").GetString());
        Assert.Contains(".jsonl", problem.GetProperty("detail").GetString());
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_refused_with_415()
    {
        var before = await BaselineAsync();
        await RefusedAsync(JsonContent.Create(new { files = "guide.md" }), HttpStatusCode.UnsupportedMediaType);
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("no-such-key-000000000", HttpStatusCode.Unauthorized)]
    [InlineData(UploadHost.UserKey, HttpStatusCode.Forbidden)]
    public async Task An_upload_without_a_domain_team_key_is_refused(string? key, HttpStatusCode expected)
    {
        var before = await BaselineAsync();
        using var client = host.Client(key);
        using var response = await Uploads.PostAsync(client, Uploads.Of(("guide.md", Uploads.Text("# Guide\nNew text."))));
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    [Fact]
    public async Task A_malformed_jsonl_line_is_refused_with_400_naming_the_file_and_line()
    {
        var before = await BaselineAsync();
        var jsonl = """
            {"question": "When is the blue bin collected?", "answer": "Every two weeks."}

            {"question": "What about glass?", "answer": "Every four weeks."
            {"prompt": "Fine line", "response": "Fine."}
            """;
        var problem = await RefusedAsync(Uploads.Of(("first.md", Uploads.Text("# First\nFine.")), ("pairs.jsonl", Uploads.Text(jsonl))),
            HttpStatusCode.BadRequest);
        Assert.Equal("pairs.jsonl", problem.GetProperty("file").GetString());
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.StartsWith("pairs.jsonl line 3:", problem.GetProperty("detail").GetString());
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    [Fact]
    public async Task A_jsonl_line_that_is_not_a_question_answer_pair_is_refused_with_400()
    {
        var before = await BaselineAsync();
        var problem = await RefusedAsync(Uploads.Of(("pairs.jsonl", Uploads.Text("{\"question\": \"Only a question?\"}\n"))), HttpStatusCode.BadRequest);
        Assert.Equal(1, problem.GetProperty("line").GetInt32());
        Assert.Contains("\"answer\"", problem.GetProperty("detail").GetString());
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    [Fact]
    public async Task A_file_that_is_not_UTF8_is_refused_with_400_naming_the_file_and_line()
    {
        var before = await BaselineAsync();
        byte[] latin1 = [.. Encoding.ASCII.GetBytes("# Prices\nLine two\nCaf"), 0xE9, .. Encoding.ASCII.GetBytes(" opens at 9.\n")];
        var problem = await RefusedAsync(Uploads.Of(("prices.txt", latin1)), HttpStatusCode.BadRequest);
        Assert.Equal("prices.txt", problem.GetProperty("file").GetString());
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.Contains("UTF-8", problem.GetProperty("detail").GetString());
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    [Theory]
    [InlineData("bad|name.md")]
    [InlineData(".hidden.md")]
    [InlineData("same.md")]
    public async Task A_file_name_that_could_not_be_stored_as_it_is_is_refused_with_400(string name)
    {
        var before = await BaselineAsync();
        // "same.md" is fine alone: sent twice (in another case) it is refused as a duplicate.
        var problem = await RefusedAsync(Uploads.Of((name, Uploads.Text("# A\nText.")), ("SAME.md", Uploads.Text("# B\nText."))), HttpStatusCode.BadRequest);
        Assert.Contains(name, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    [Fact]
    public async Task An_upload_to_an_unknown_domain_is_404()
    {
        var before = await BaselineAsync();
        using var client = host.Client();
        using var response = await Uploads.PostAsync(client, Uploads.Of(("guide.md", Uploads.Text("# Guide\nText."))), "no-such-domain");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        before.AssertUnchangedIn(await StoredState.CaptureAsync(host));
    }

    /// <summary>One accepted upload, indexed, so every refusal has something stored it must not lose; then the state.</summary>
    async Task<StoredState> BaselineAsync()
    {
        await host.IndexReadyAsync();
        if (!Directory.Exists(Path.Combine(host.DataDirectory, "domains", UploadHost.Domain, "corpora", "v1")))
        {
            using var client = host.Client();
            var receipt = await Uploads.AcceptedAsync(client, Uploads.Of(
                ("opening-hours.md", Uploads.Text("# Opening hours\nThe Kestrel Street depot opens at 07:15 on weekdays.")),
                ("pairs.jsonl", Uploads.Text("{\"question\": \"When does the depot open?\", \"answer\": \"At 07:15 on weekdays.\"}\n"))));
            Assert.Equal("succeeded", (await host.FinishedJobAsync(receipt.Job.Id)).State);
        }
        return await StoredState.CaptureAsync(host);
    }

    async Task<JsonElement> RefusedAsync(HttpContent content, HttpStatusCode expected)
    {
        using var client = host.Client();
        using var response = await Uploads.PostAsync(client, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        return problem.RootElement.Clone();
    }
}
