using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace DomainAssistant.Api.Tests.OpenAi;

/// <summary>The official OpenAI .NET client, unmodified, against the host on a real loopback port.</summary>
public sealed class OpenAiClientTests : IClassFixture<OpenAiClientTests.Host>
{
    public sealed class Host : IDisposable
    {
        public Host()
        {
            Assistant = new AssistantHost(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
            Assistant.UseKestrel();
            Assistant.StartServer();
            var address = Assistant.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            BaseAddress = new Uri(address);
        }

        public AssistantHost Assistant { get; }

        public Uri BaseAddress { get; }

        public void Dispose() => Assistant.Dispose();
    }

    readonly Host _host;

    public OpenAiClientTests(Host host) => _host = host;

    async Task<HttpClient> ReadyAsync()
    {
        var client = new HttpClient { BaseAddress = _host.BaseAddress };
        for (var deadline = DateTime.UtcNow.AddMinutes(2); (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode != HttpStatusCode.OK;)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the host did not become ready");
            await Task.Delay(100);
        }
        return client;
    }

    ChatClient OpenAiChat() => new(AssistantHost.Domain, new ApiKeyCredential(AssistantHost.UserKey),
        new OpenAIClientOptions { Endpoint = new Uri(_host.BaseAddress, "/v1") });

    [Fact]
    public async Task The_OpenAI_client_streams_a_completion_unmodified()
    {
        using var http = await ReadyAsync();
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in OpenAiChat().CompleteChatStreamingAsync([new UserChatMessage("When is the blue bin emptied?")]))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(ScriptedModel.Answer, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task The_OpenAI_client_gets_a_whole_completion_with_usage()
    {
        using var http = await ReadyAsync();
        ChatCompletion completion = await OpenAiChat().CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("What goes in the food caddy?")],
            new ChatCompletionOptions { Temperature = 0.2f, MaxOutputTokenCount = 40 });

        Assert.Equal(ScriptedModel.Answer, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(AssistantHost.Domain, completion.Model);
        Assert.True(completion.Usage.InputTokenCount > 20);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task The_stream_is_OpenAI_chunks_ending_with_DONE()
    {
        using var http = await ReadyAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"fernbrook-recycling","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Missed bin?"}]}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", AssistantHost.UserKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var data = await ServerSentEventsReader.ReadDataAsync(response);

        Assert.Equal("[DONE]", data[^1]);
        var chunks = data.SkipLast(1).Select(d => JsonDocument.Parse(d).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var lineage = chunks[^1].GetProperty("domain_assistant");
        Assert.Equal(1, Assert.Single(lineage.GetProperty("citations").EnumerateArray()).GetProperty("n").GetInt32());
        Assert.False(lineage.GetProperty("uncited").GetBoolean());
        Assert.Equal(0, lineage.GetProperty("dropped_markers").GetInt32());
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
    }

    [Fact]
    public async Task Models_lists_each_domain_and_an_unknown_model_is_an_OpenAI_style_404()
    {
        using var http = await ReadyAsync();
        http.DefaultRequestHeaders.Authorization = new("Bearer", AssistantHost.UserKey);
        var models = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/models", UriKind.Relative))).RootElement;
        using var unknown = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative),
            new StringContent("""{"model":"no-such-domain","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var error = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal("list", models.GetProperty("object").GetString());
        Assert.Equal([AssistantHost.Domain], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }
}
