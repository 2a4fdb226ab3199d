using DomainAssistant.Storage.Conversations;

namespace DomainAssistant.Storage.Tests.Conversations;

/// <summary>
/// What every <see cref="IConversationStore"/> does, run against each implementation (SQLite for the embedded mode,
/// PostgreSQL for scale-out) by the classes below.
/// </summary>
public abstract class ConversationStoreContract : StoreContract<IConversationStore>
{
    [SkippableFact]
    public async Task A_started_conversation_is_found_with_its_domain_user_and_time()
    {
        var started = await Store.StartAsync("tidewell-support", "user-7");

        var found = await Store.FindAsync(started.Id);

        Assert.Equal(started, found);
        Assert.Null(await Store.FindAsync(Guid.NewGuid()));
        var anonymous = await Store.StartAsync("tidewell-support", null);
        Assert.Null((await Store.FindAsync(anonymous.Id))!.UserId);
    }

    [SkippableFact]
    public async Task Messages_come_back_oldest_first_with_their_roles_and_exact_text()
    {
        var conversation = await Store.StartAsync("d", "u");
        var other = await Store.StartAsync("d", "u");
        const string unusual = "Ünïcödé 日本語 👩‍👩‍👧 'quotes' \"double\" \\ ; DROP TABLE messages; --";
        var first = await Store.AddUserMessageAsync(conversation.Id, "first question");
        await Store.AddAssistantMessageAsync(Answer(conversation.Id, "first answer"));
        var second = await Store.AddUserMessageAsync(conversation.Id, unusual);
        await Store.AddUserMessageAsync(other.Id, "someone else's");

        var messages = await Store.ReadMessagesAsync(conversation.Id);

        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m.Role));
        Assert.Equal(["first question", "first answer", unusual], messages.Select(m => m.Content));
        Assert.Equal(first, messages[0].Id);
        Assert.Equal(second, messages[2].Id);
        Assert.Empty(await Store.ReadMessagesAsync(Guid.NewGuid()));
    }

    [SkippableFact]
    public async Task An_answer_keeps_its_whole_lineage()
    {
        var conversation = await Store.StartAsync("tidewell-support", "u");
        var answer = Answer(conversation.Id, "The filter is rinsed monthly [1].") with
        {
            Adapter = "aligned-3",
            AdapterChecksum = new string('a', 64),
            Variant = "treatment",
        };
        await Store.AddAssistantMessageAsync(answer);

        var found = await Store.FindAssistantMessageAsync(answer.Id);

        Assert.NotNull(found);
        Assert.Equal(answer.Content, found.Content);
        Assert.Equal("tidewell-support", found.Domain);
        Assert.Equal(answer.Prompt, found.Prompt);
        Assert.Equal(answer.RetrievedChunkIds, found.RetrievedChunkIds);
        Assert.Equal(answer.Citations, found.Citations);
        Assert.Equal(("model-x", "aligned-3", answer.AdapterChecksum, "treatment", "length"),
            (found.Model, found.Adapter, found.AdapterChecksum, found.Variant, found.FinishReason));
        Assert.Equal(answer.CreatedAt, found.CreatedAt, TimeSpan.FromMilliseconds(1));
    }

    [SkippableFact]
    public async Task Only_assistant_messages_are_found_as_answers()
    {
        var conversation = await Store.StartAsync("d", null);
        var question = await Store.AddUserMessageAsync(conversation.Id, "q");
        var answer = Answer(conversation.Id, "a") with { Adapter = null, AdapterChecksum = null, Variant = null };
        await Store.AddAssistantMessageAsync(answer);

        Assert.Null(await Store.FindAssistantMessageAsync(question));
        Assert.Null(await Store.FindAssistantMessageAsync(Guid.NewGuid()));
        var found = await Store.FindAssistantMessageAsync(answer.Id);
        Assert.Equal((null, null, null), (found!.Adapter, found.AdapterChecksum, found.Variant));
    }

    [SkippableFact]
    public async Task A_message_for_an_unknown_conversation_is_refused()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => Store.AddUserMessageAsync(Guid.NewGuid(), "orphan"));
    }

    [SkippableFact]
    public async Task Concurrent_writers_lose_nothing()
    {
        var conversations = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Store.StartAsync("d", $"u{i}")));
        await Task.WhenAll(conversations.Select(async c =>
        {
            for (var i = 0; i < 10; i++) await Store.AddUserMessageAsync(c.Id, $"m{i}");
        }));

        foreach (var conversation in conversations)
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), (await Store.ReadMessagesAsync(conversation.Id)).Select(m => m.Content));
    }

    static AssistantMessage Answer(Guid conversation, string content) => new()
    {
        Id = Guid.NewGuid(),
        ConversationId = conversation,
        Domain = "ignored: the conversation's domain is read back",
        Content = content,
        Prompt = "<|system|>context [1] ...<|user|>question<|assistant|>",
        RetrievedChunkIds = ["doc-a#0", "doc-b#3"],
        Citations = [new CitationRecord(1, "doc-a#0", "doc-a.md", "Filters")],
        Model = "model-x",
        FinishReason = "length",
        CreatedAt = new DateTimeOffset(2026, 12, 6, 15, 0, 0, 123, TimeSpan.Zero).AddTicks(4567),
    };
}

public sealed class SqliteConversationStoreTests : ConversationStoreContract
{
    protected override Task<StoreLease<IConversationStore>> OpenAsync() => StoreBackends.Sqlite<IConversationStore>(
        folder => new SqliteConversationStore(Path.Combine(folder, "conversations.db")));
}

public sealed class PostgresConversationStoreTests : ConversationStoreContract
{
    protected override Task<StoreLease<IConversationStore>> OpenAsync() => StoreBackends.Postgres<IConversationStore>(
        database => new PostgresConversationStore(database));
}
