using System.Net;
using System.Text;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>
/// The malformed requests an outside tester sent (issue 22), byte for byte, against real Kestrel: each is answered
/// with a 4xx that says what was wrong (OpenAI's error body on <c>/v1</c>), never a 500.
/// </summary>
public sealed class HostileBodyTests(LoopbackHost host) : IClassFixture<LoopbackHost>
{
    const string Completions = "/v1/chat/completions";
    static readonly string Upload = $"/api/domains/{AssistantHost.Domain}/corpora";
    static readonly string TeamAuth = $"Authorization: Bearer {AssistantHost.TeamKey}\r\n";

    static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p)];

    static JsonElement OpenAiError(RawHttp.Response response, int status)
    {
        Assert.True(response.Status == status, $"{response.Status}: {response.Body}");
        var error = JsonDocument.Parse(response.Body).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
        Assert.True(error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _));
        return error;
    }

    static JsonElement Problem(RawHttp.Response response, int status)
    {
        Assert.True(response.Status == status, $"{response.Status}: {response.Body}");
        Assert.StartsWith("application/problem+json", response.Headers["content-type"], StringComparison.Ordinal);
        return JsonDocument.Parse(response.Body).RootElement;
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_v1_message_is_a_400_in_OpenAIs_error_shape()
    {
        var response = await host.Raw.PostAsync(Completions, Bytes("""{"model":"fernbrook-recycling","messages":[{"role":"user","content":"\ud800"}]}"""));

        var error = OpenAiError(response, 400);
        Assert.Contains("messages[0].content", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Invalid_UTF8_in_v1_content_parts_is_a_400_in_OpenAIs_error_shape()
    {
        var body = Bytes("""{"messages":[{"role":"system","content":[{"type":"text","text":"ok"}]},{"role":"user","content":[{"type":"text","text":"bad """,
            new byte[] { 0xC3, 0x28, 0xFF }, "\"}]}]}");

        var error = OpenAiError(await host.Raw.PostAsync(Completions, body), 400);

        Assert.Contains("messages[1].content", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_bytes_on_api_chat_are_a_400_problem()
    {
        var response = await host.Raw.PostAsync("/api/chat", Bytes("{\"message\":\"bad ", new byte[] { 0xC3, 0x28 }, "\"}"));

        Problem(response, 400);
    }

    [Theory]
    [InlineData("/api/chat", "{\"message\":\"\\ud800\"}", "$.message")]
    [InlineData("/api/chat", "{\"message\":\"bad \u00FF\"}", "$.message")]
    [InlineData("/api/feedback", "{\"rating\":\"up\",\"reason\":\"\\udc00\"}", "$.reason")]
    [InlineData("/api/feedback", "{\"rating\":\"up\",\"tags\":[\"\u00FF\"]}", "$.tags[0]")]
    public async Task Undecodable_text_on_api_endpoints_is_a_400_that_names_the_field_and_the_encoding(string path, string json, string field)
    {
        // \u00FF stands for a lone 0xFF byte: invalid UTF-8 wherever it appears.
        var body = json.Split('\u00FF').SelectMany((piece, i) => i == 0 ? Encoding.UTF8.GetBytes(piece) : [0xFF, .. Encoding.UTF8.GetBytes(piece)]).ToArray();

        var detail = Problem(await host.Raw.PostAsync(path, body), 400).GetProperty("detail").GetString()!;

        Assert.Contains(field, detail, StringComparison.Ordinal);
        Assert.Contains("not valid Unicode", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("DomainAssistant", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_jsonl_line_with_a_lone_surrogate_is_a_400_naming_file_and_line()
    {
        const string boundary = "b0undary";
        var body = Bytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"pairs.jsonl\"\r\n\r\n",
            """{"question":"\ud800","answer":"a"}""", $"\r\n--{boundary}--\r\n");

        var problem = Problem(await host.Raw.PostAsync(Upload, body, $"multipart/form-data; boundary={boundary}", TeamAuth), 400);

        Assert.Equal("pairs.jsonl", problem.GetProperty("file").GetString());
        Assert.Equal(1, problem.GetProperty("line").GetInt32());
        Assert.Contains("Unicode", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multipart_parts_framed_by_another_boundary_are_a_400()
    {
        var body = Bytes("--other\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.md\"\r\n\r\n# A\ntext\r\n--other--\r\n");

        var problem = Problem(await host.Raw.PostAsync(Upload, body, "multipart/form-data; boundary=announced", TeamAuth), 400);

        Assert.Contains("closing boundary", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("filename*")]
    [InlineData("filename")]
    [InlineData("creation-date")]
    public async Task A_content_disposition_parameter_without_a_value_is_a_400_naming_it(string parameter)
    {
        // Found by NoServerErrorProperties: ASP.NET's header parser throws on a valueless filename* when asked the name.
        var body = Bytes($"--b\r\nContent-Disposition: form-data; name=\"files\"; {parameter}\r\n\r\n# A\ntext\r\n--b--\r\n");

        var problem = Problem(await host.Raw.PostAsync(Upload, body, "multipart/form-data; boundary=b", TeamAuth), 400);

        Assert.Contains($"'{parameter}' has no value", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_body_cut_short_before_its_closing_boundary_is_a_400()
    {
        var body = Bytes("--cut\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.md\"\r\n\r\n# A\nthe text stops here");

        var problem = Problem(await host.Raw.PostAsync(Upload, body, "multipart/form-data; boundary=cut", TeamAuth), 400);

        Assert.Contains("closing boundary", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/chat")]
    [InlineData("/api/feedback")]
    [InlineData(Completions)]
    public async Task A_40_MB_chunked_body_is_a_413_before_it_is_read_in_full(string path)
    {
        var head = $"POST {path} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked";

        var response = await host.Raw.SendAsync(head, RawHttp.Chunked(40L << 20, 64 * 1024, prefix: "{\"message\":\""));

        // Only the status line is sure to arrive: the host closes with the rest of the body unread, and the reset that
        // follows may cut off what came after it (BodyLimitTests checks the message on the in-memory server).
        Assert.True(response.Status == 413, $"{response.Status}: {response.Body}");
    }

    [Fact]
    public async Task A_40_MB_chunked_upload_is_a_413()
    {
        var head = $"POST {Upload} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\n{TeamAuth}Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked";

        var part = "--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.md\"\r\n\r\n# Big\n";
        var response = await host.Raw.SendAsync(head, RawHttp.Chunked(40L << 20, 64 * 1024, prefix: part));

        Assert.True(response.Status == 413, $"{response.Status}: {response.Body}");
    }

    [Fact]
    public async Task A_body_that_never_reaches_its_Content_Length_is_a_408_in_OpenAIs_shape_on_v1()
    {
        var head = $"POST {Completions} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000";

        // Kestrel's minimum body data rate gives a stalled body a 5 s grace period before it gives up.
        var response = await host.Raw.SendAsync(head, Bytes("{\"messages\":["), timeout: TimeSpan.FromSeconds(30));

        var error = OpenAiError(response, 408);
        Assert.Equal("request_timeout", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/api/chat", "{\"message\":\"a \\u0000 b\"}", "message")]
    [InlineData("/api/feedback", "{\"messageId\":\"4f0f1d2e-4a4b-4c4d-8e8f-000000000001\",\"rating\":\"up\",\"reason\":\"\\u0000\"}", "reason")]
    [InlineData("/api/feedback", "{\"messageId\":\"4f0f1d2e-4a4b-4c4d-8e8f-000000000001\",\"rating\":\"up\",\"tags\":[\"x\\u0000\"]}", "tags")]
    public async Task A_NUL_character_which_PostgreSQL_text_cannot_hold_is_a_400_naming_the_field(string path, string json, string field)
    {
        var problem = Problem(await host.Raw.PostAsync(path, Encoding.UTF8.GetBytes(json)), 400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var errors), problem.ToString());
        Assert.Contains("NUL character", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_NUL_character_in_a_v1_message_is_a_400_in_OpenAIs_error_shape()
    {
        var response = await host.Raw.PostAsync(Completions, Bytes("""{"messages":[{"role":"user","content":"a \u0000 b"}]}"""));

        Assert.Contains("messages[0].content must not contain the NUL character", OpenAiError(response, 400).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feedback_tag_of_500000_characters_is_refused_at_the_edge()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { messageId = Guid.NewGuid(), rating = "up", tags = new[] { new string('t', 500_000) } });

        var problem = Problem(await host.Raw.PostAsync("/api/feedback", body), 400);

        Assert.True(problem.GetProperty("errors").TryGetProperty("tags", out _));
    }

    [Fact]
    public async Task An_X_User_Id_over_128_characters_is_a_400_not_silently_dropped()
    {
        var response = await host.Raw.PostAsync("/api/chat", Bytes("{\"message\":\"hi\"}"), extraHeaders: $"X-User-Id: {new string('u', 129)}\r\n");

        Assert.Contains("X-User-Id", Problem(response, 400).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_v1_refusal_by_authentication_is_in_OpenAIs_shape_too()
    {
        var response = await host.Raw.PostAsync(Completions, Bytes("{}"), extraHeaders: "Authorization: Bearer not-a-key-0123456789abcdef\r\n");

        Assert.Equal("authentication_error", OpenAiError(response, 401).GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_unknown_v1_path_is_a_404_in_OpenAIs_shape()
    {
        using var client = host.Client();
        using var response = await client.GetAsync(new Uri("/v1/no-such-thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("GET /v1/no-such-thing", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_method_on_v1_is_a_405_in_OpenAIs_shape_that_says_so()
    {
        using var client = host.Client();
        using var response = await client.GetAsync(new Uri(Completions, UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Equal($"GET is not allowed on {Completions}.", message);
    }

    [Theory]
    [InlineData("/api/chat", "[1,2]")]
    [InlineData("/api/feedback", "\"up\"")]
    [InlineData(Completions, "{\"messages\":[7]}")]
    public async Task A_body_of_the_wrong_shape_is_a_400_that_names_no_class_of_ours(string path, string json)
    {
        var response = await host.Raw.PostAsync(path, Encoding.UTF8.GetBytes(json));

        Assert.True(response.Status == 400, $"{response.Status}: {response.Body}");
        Assert.Contains("the JSON object this endpoint expects", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("DomainAssistant", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"messages\":[null]}", "messages[0]")]
    [InlineData("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},null],\"stream\":true}", "messages[1]")]
    public async Task A_null_message_is_a_400_that_names_it(string json, string named)
    {
        var response = await host.Raw.PostAsync(Completions, Encoding.UTF8.GetBytes(json));

        Assert.True(response.Status == 400, $"{response.Status}: {response.Body}");
        var message = JsonDocument.Parse(response.Body).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.StartsWith($"{named} must be an object", message, StringComparison.Ordinal);
    }
}
