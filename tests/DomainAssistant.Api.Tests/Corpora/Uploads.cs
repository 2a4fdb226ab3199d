using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using DomainAssistant.Api.Corpora;

namespace DomainAssistant.Api.Tests.Corpora;

/// <summary>Builds multipart uploads and sends them as a browser or a script would.</summary>
public static class Uploads
{
    public static MultipartFormDataContent Of(params (string Name, byte[] Content)[] files) => Of(null, files);

    public static MultipartFormDataContent Of(string? mode, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        if (mode is not null) form.Add(new StringContent(mode), "mode");
        return form;
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, HttpContent content, string domain = UploadHost.Domain) =>
        await client.PostAsync($"/api/domains/{domain}/corpora", content);

    /// <summary>Uploads and returns the receipt, failing with the problem's text when the upload is refused.</summary>
    public static async Task<CorporaApi.UploadReceipt> AcceptedAsync(HttpClient client, HttpContent content)
    {
        using var response = await PostAsync(client, content);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CorporaApi.UploadReceipt>(UploadHost.Json))!;
    }
}
