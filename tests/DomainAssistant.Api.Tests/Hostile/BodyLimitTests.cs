using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>
/// Bodies of unknown length (sent without Content-Length, as chunked ones are) meet the same limit while they are read,
/// and the 413 says which limit: the JSON body limit, or <c>Uploads:MaxBytes</c> for uploads.
/// </summary>
public sealed class BodyLimitTests(BodyLimitTests.Host host) : IClassFixture<BodyLimitTests.Host>
{
    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new();

        public void Dispose() => Assistant.Dispose();
    }

    /// <summary>A body whose length the client does not announce.</summary>
    static StreamContent Unannounced(byte[] bytes, string contentType)
    {
        var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    static async Task<string> RefusedDetailAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task A_JSON_body_of_unknown_length_over_1_MiB_is_a_413_naming_the_limit()
    {
        using var client = host.Assistant.CreateClient();
        var body = Encoding.UTF8.GetBytes("{\"message\":\"" + new string('a', 2 << 20) + "\"}");

        using var response = await client.PostAsync(new Uri("/api/chat", UriKind.Relative), Unannounced(body, "application/json"));

        Assert.Contains("1048576", await RefusedDetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_of_unknown_length_over_the_limit_is_a_413_naming_Uploads_MaxBytes()
    {
        using var client = host.Assistant.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AssistantHost.TeamKey);
        var body = Encoding.UTF8.GetBytes("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.md\"\r\n\r\n# Big\n" + new string('b', 8 << 20) + "\r\n--b--\r\n");

        using var response = await client.PostAsync(new Uri($"/api/domains/{AssistantHost.Domain}/corpora", UriKind.Relative),
            Unannounced(body, "multipart/form-data; boundary=b"));

        Assert.Contains("Uploads:MaxBytes", await RefusedDetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_is_cut_off_while_it_is_read_as_soon_as_it_passes_the_limit_and_that_is_a_413()
    {
        var limit = new Api.Http.BodyLimit(10, "a test limit");
        using var body = new Api.Http.LimitedReadStream(new UnknownLengthStream(new byte[11]), limit);

        var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.Http.BadHttpRequestException>(() => body.CopyToAsync(Stream.Null));

        Assert.Equal((413, "Request body too large"), (Api.Http.BodyReadFailures.Classify(error)!.Value.Status, Api.Http.BodyReadFailures.Classify(error)!.Value.Title));
        Assert.Contains("a test limit", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A readable stream that does not tell its length, so no Content-Length is sent.</summary>
    sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
