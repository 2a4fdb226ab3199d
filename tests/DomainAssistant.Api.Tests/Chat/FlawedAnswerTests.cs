using System.Net.Http.Json;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Api.Tests.Chat;

/// <summary>
/// A model that cites a chunk the prompt does not have and emits a byte that never forms a character
/// (<see cref="ScriptedModel.Flawed"/>), through the real host: the user sees clean text and no made-up source, and
/// the stored answer is exactly what was streamed.
/// </summary>
public sealed class FlawedAnswerTests : IClassFixture<FlawedAnswerTests.Host>
{
    /// <summary>One host for the class, serving the flawed model.</summary>
    public sealed class Host : IDisposable
    {
        public AssistantHost Assistant { get; } = new(AssistantHost.Serving(ScriptedModel.Flawed));

        public void Dispose() => Assistant.Dispose();
    }

    readonly AssistantHost _host;

    public FlawedAnswerTests(Host host) => _host = host.Assistant;

    [Fact]
    public async Task The_streamed_pieces_show_no_broken_character_and_join_to_the_stored_answer()
    {
        var client = await _host.ReadyClientAsync();
        var (text, done, events) = await client.ChatAsync("Which day is my blue bin collected?");
        var stored = await _host.Services.GetRequiredService<IConversationStore>().FindAssistantMessageAsync(done.GetProperty("messageId").GetGuid(), default);

        var pieces = events.Where(e => e.GetProperty("type").GetString() == "token").Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Equal(ScriptedModel.FlawedAnswer, text);
        Assert.Equal(text, stored!.Content);
    }

    [Fact]
    public async Task A_marker_naming_no_chunk_is_dropped_and_counted_and_the_answer_is_marked_uncited()
    {
        var client = await _host.ReadyClientAsync();
        var (_, done, _) = await client.ChatAsync("When is the garden waste collected?");
        var stored = await _host.Services.GetRequiredService<IConversationStore>().FindAssistantMessageAsync(done.GetProperty("messageId").GetGuid(), default);

        Assert.Empty(done.GetProperty("citations").EnumerateArray());
        Assert.True(done.GetProperty("uncited").GetBoolean());
        Assert.Equal(1, done.GetProperty("droppedMarkers").GetInt32());
        Assert.True(stored!.RetrievedChunkIds.Count is > 0 and < 9, "the prompt held chunks, but no ninth");
        Assert.Empty(stored.Citations);
    }

    [Fact]
    public async Task The_OpenAI_lineage_carries_the_same_in_snake_case()
    {
        var client = await _host.ReadyClientAsync();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AssistantHost.UserKey);
        using var response = await client.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative),
            new { model = AssistantHost.Domain, messages = new[] { new { role = "user", content = "Missed bin?" } } });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var lineage = body.GetProperty("domain_assistant");
        Assert.Equal(ScriptedModel.FlawedAnswer, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Empty(lineage.GetProperty("citations").EnumerateArray());
        Assert.True(lineage.GetProperty("uncited").GetBoolean());
        Assert.Equal(1, lineage.GetProperty("dropped_markers").GetInt32());
    }
}
