using System.Text;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Training.Tests.Data;

/// <summary>Reading fine-tuning data: shapes accepted, corrupt lines reported by file and line, loss masks.</summary>
public sealed class SftDataTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    ExampleEncoder Encoder() => new(TokenizerLoader.Load(tokenizer.Folder));

    [Fact]
    public void Corrupt_data_lines_are_reported_with_file_and_line_and_skipped()
    {
        using var work = new TempFolder();
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"prompt\": \"hi\", \"response\": \"hello\"}\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("{not json\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"question\": \"q\", \"answer\": \"\"}\n"));
        bytes.AddRange([(byte)'{', 0xFF, 0xFE, (byte)'}', (byte)'\n']);
        bytes.AddRange(Encoding.UTF8.GetBytes("[1, 2]\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"messages\": [{\"role\": \"user\", \"content\": \"only a question\"}]}\n"));
        var path = work.File("data.jsonl", bytes.ToArray());

        var data = SftData.Load(path, Encoder());

        Assert.Equal(2, data.Examples.Count);
        Assert.Equal([2, 4, 5, 6, 8], data.Issues.Select(i => i.Line));
        Assert.All(data.Issues, i => Assert.Equal(path, i.File));
        Assert.Contains("not valid JSON", data.Issues[0].Problem);
        Assert.Contains("\"answer\" is empty", data.Issues[1].Problem);
        Assert.Equal("not valid UTF-8", data.Issues[2].Problem);
        Assert.Contains("no non-empty assistant turn", data.Issues[4].Problem);
        Assert.StartsWith($"{path}:2: ", data.Issues[0].ToString());
    }

    [Fact]
    public void Strict_loading_refuses_the_dataset_at_the_first_corrupt_line()
    {
        using var work = new TempFolder();
        var path = work.File("data.jsonl", "{\"prompt\": \"hi\", \"response\": \"hello\"}\n{\"prompt\": 3, \"response\": \"x\"}\n");

        var error = Assert.Throws<InvalidDataException>(() => SftData.Load(path, Encoder(), strict: true));

        Assert.Contains($"{path}:2:", error.Message);
        Assert.Contains("\"prompt\" is Number", error.Message);
    }

    [Fact]
    public void A_dataset_without_any_usable_line_is_refused()
    {
        using var work = new TempFolder();
        var path = work.File("data.jsonl", "nonsense\n");

        var error = Assert.Throws<InvalidDataException>(() => SftData.Load(path, Encoder()));

        Assert.Contains($"{path}:1", error.Message);
    }

    [Fact]
    public void Only_response_tokens_are_trained_through_the_chat_template()
    {
        var model = TokenizerLoader.Load(tokenizer.Folder);
        var example = new ExampleEncoder(model).Conversation(
            [ChatMessage.System("be brief"), ChatMessage.User("where is my parcel"), ChatMessage.Assistant("at the depot")], "test");

        var trained = example.Ids.Where((_, i) => example.Trained[i]).ToList();
        var prompt = example.Ids.Where((_, i) => !example.Trained[i]).ToList();

        Assert.Equal("at the depot\n", model.Decode(trained)); // <|im_end|> (EOS) is trained too; Decode leaves specials out
        Assert.Contains(model.EosId!.Value, trained);
        Assert.Equal("system\nbe brief\nuser\nwhere is my parcel\nassistant\n", model.Decode(prompt));
        Assert.Equal(model.EncodeChat([ChatMessage.System("be brief"), ChatMessage.User("where is my parcel")], addGenerationPrompt: true), prompt);
    }

    [Fact]
    public void Packing_keeps_conversations_whole_and_cuts_documents_into_rows()
    {
        var conversation = new TrainingExample([5, 6, 7, 8], [false, false, true, true], "c", IsDocument: false);
        var document = new TrainingExample([.. Enumerable.Range(10, 25)], [.. Enumerable.Repeat(true, 25)], "d", IsDocument: true);
        var (rows, truncated) = SequencePacker.Pack([conversation, document, conversation], rowLength: 10);

        Assert.Equal(0, truncated);
        Assert.All(rows, r => Assert.True(r.Length <= 10));
        Assert.Equal(4 + 25 + 4, rows.Sum(r => r.Length));
        var batch = SequencePacker.Batches(rows, 8, padId: 3).Single();
        Assert.Equal(rows.Count, batch.Rows);
        Assert.Equal(9, batch.Length);
        // The conversation's prompt tokens (5, 6) are never targets; its response (7, 8) is.
        var row = rows.FindIndex(r => r.Ids.Take(4).SequenceEqual([5, 6, 7, 8]));
        Assert.Equal([TokenBatch.IgnoreIndex, 7, 8], batch.Targets.Skip(row * 9).Take(3));
    }
}
