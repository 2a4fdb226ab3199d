using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace DomainAssistant.Api.Tests.Chat;

public sealed class ChatTests : IClassFixture<ChatTests.Host>
{
    /// <summary>One host for the class: the scripted model with its adapters, and the flag's default variant.</summary>
    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new();

        public void Dispose() => Assistant.Dispose();
    }

    readonly AssistantHost _host;

    public ChatTests(Host host) => _host = host.Assistant;

    string ConversationsDb => Path.Combine(_host.DataDirectory, "conversations.db");

    [Fact]
    public async Task Chat_streams_the_answer_as_token_events_then_one_done_event_with_citations_adapter_and_variant()
    {
        var client = await _host.ReadyClientAsync();
        using var response = await client.PostChatAsync(new { message = "Which day is my blue bin collected?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await ServerSentEventsReader.ReadJsonAsync(response);
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.True(types.Count > 2, "several token events are expected before done");
        Assert.All(types.SkipLast(1), t => Assert.Equal("token", t));
        Assert.Equal("done", types[^1]);
        Assert.Equal(ScriptedModel.Answer, string.Concat(events.SkipLast(1).Select(e => e.GetProperty("text").GetString())));

        var done = events[^1];
        var citation = Assert.Single(done.GetProperty("citations").EnumerateArray());
        Assert.Equal(1, citation.GetProperty("n").GetInt32());
        Assert.EndsWith(".md", citation.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(citation.GetProperty("title").GetString()));
        Assert.False(done.GetProperty("uncited").GetBoolean());
        Assert.Equal(0, done.GetProperty("droppedMarkers").GetInt32());
        Assert.Equal("sft", done.GetProperty("adapter").GetString());
        Assert.Equal("current", done.GetProperty("variant").GetString());
        Assert.NotEqual(Guid.Empty, done.GetProperty("messageId").GetGuid());
        Assert.NotEqual(Guid.Empty, done.GetProperty("conversationId").GetGuid());
    }

    [Fact]
    public async Task The_answer_is_stored_with_the_prompt_as_fed_the_retrieved_chunks_and_the_adapter_checksum()
    {
        var client = await _host.ReadyClientAsync();
        var (_, done, _) = await client.ChatAsync("Can I put glass in the blue bin?");
        var messageId = done.GetProperty("messageId").GetGuid().ToString("D");

        var row = Rows.Dump(ConversationsDb, "messages").Single(r => r.Contains(messageId, StringComparison.Ordinal));
        var prompt = (string)Rows.Scalar(ConversationsDb, $"SELECT prompt FROM messages WHERE id = '{messageId}'")!;
        var chunkIds = JsonSerializer.Deserialize<List<string>>((string)Rows.Scalar(ConversationsDb, $"SELECT retrieved_chunk_ids FROM messages WHERE id = '{messageId}'")!)!;
        var checksum = (string)Rows.Scalar(ConversationsDb, $"SELECT adapter_checksum FROM messages WHERE id = '{messageId}'")!;

        Assert.Contains("waste and recycling assistant of Fernbrook", prompt, StringComparison.Ordinal); // the domain's system prompt
        Assert.Contains("[1] ", prompt, StringComparison.Ordinal);                                        // numbered context
        Assert.Contains("Can I put glass in the blue bin?", prompt, StringComparison.Ordinal);
        Assert.StartsWith("<|im_start|>system", prompt, StringComparison.Ordinal);                        // rendered by the chat template
        Assert.NotEmpty(chunkIds);
        Assert.Equal(chunkIds[0], done.GetProperty("citations")[0].GetProperty("chunkId").GetString());
        using var weights = File.OpenRead(Path.Combine(ScriptedModel.Instance.Adapters["sft"], "adapter_model.safetensors"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(weights)), checksum);
        Assert.Contains("|scripted|sft|", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_continued_conversation_feeds_the_earlier_turns_into_the_prompt()
    {
        var client = await _host.ReadyClientAsync();
        var (_, first, _) = await client.ChatAsync("When is the garden waste collected?");
        var conversationId = first.GetProperty("conversationId").GetGuid();
        var (_, second, _) = await client.ChatAsync("And what about food waste?", conversationId: conversationId);

        Assert.Equal(conversationId, second.GetProperty("conversationId").GetGuid());
        var prompt = (string)Rows.Scalar(ConversationsDb, $"SELECT prompt FROM messages WHERE id = '{second.GetProperty("messageId").GetGuid():D}'")!;
        Assert.Contains("When is the garden waste collected?", prompt, StringComparison.Ordinal);
        Assert.Contains(ScriptedModel.Answer, prompt, StringComparison.Ordinal);
        var conversation = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/conversations/{conversationId}", UriKind.Relative))).RootElement;
        Assert.Equal(["user", "assistant", "user", "assistant"], conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Semantic_Kernel_serves_the_local_model_through_IChatClient_and_holds_the_retrieval_plugin()
    {
        await _host.ReadyClientAsync();
        var kernel = _host.Services.GetRequiredService<Kernel>();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("hello");

        var reply = await chat.GetChatMessageContentAsync(history, kernel: kernel);
        var metadata = _host.Services.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>();
        var search = kernel.Plugins.GetFunction("retrieval", "search");
        var found = await kernel.InvokeAsync(search, new KernelArguments { ["question"] = "blue bin", ["domain"] = AssistantHost.Domain, ["count"] = 3 });

        Assert.Equal(ScriptedModel.Answer, reply.Content);
        Assert.Equal("scripted", metadata?.DefaultModelId);
        Assert.Equal("DomainAssistant.Local", metadata?.ProviderName);
        Assert.Equal(3, found.GetValue<IReadOnlyList<DomainAssistant.Retrieval.Ranking.RetrievedChunk>>()!.Count);
    }
}
