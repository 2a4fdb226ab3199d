using DomainAssistant.Model.Generation;
using DomainAssistant.Model.Tests.Support;

namespace DomainAssistant.Model.Tests.Generation;

public class TextGeneratorTests
{
    [Stories260KFact]
    public async Task Streams_text_that_adds_up_to_the_decoded_tokens()
    {
        using var loaded = PretrainedModel.Load(SharedModels.Stories260KBin, SharedModels.Tok512Bin);
        await using var engine = new GenerationEngine(loaded.Model, maxBatch: 2);
        var generator = new TextGenerator(engine, loaded.Tokenizer, loaded.StopTokens);
        var pieces = new List<string>();
        var completion = await generator.CompleteAsync(generator.Prepare("Once upon a time", SamplingOptions.Greedy(40)), pieces.Add);
        Assert.True(pieces.Count > 10);
        Assert.Equal(loaded.Tokenizer.Decode(completion.PromptTokens.Concat(completion.Tokens)), loaded.Tokenizer.Decode(completion.PromptTokens) + string.Concat(pieces));
        Assert.StartsWith(", there was a little girl named Lily.", completion.Text);
    }

    [Stories260KFact]
    public async Task A_stop_string_ends_the_text_before_it()
    {
        using var loaded = PretrainedModel.Load(SharedModels.Stories260KBin, SharedModels.Tok512Bin);
        await using var engine = new GenerationEngine(loaded.Model, maxBatch: 1);
        var generator = new TextGenerator(engine, loaded.Tokenizer, loaded.StopTokens);
        var sampling = SamplingOptions.Greedy(60) with { StopStrings = ["Lily"] };
        var completion = await generator.CompleteAsync(generator.Prepare("Once upon a time", sampling));
        Assert.Equal(", there was a little girl named ", completion.Text);
        Assert.Equal(FinishReason.Stop, completion.Finish);
    }

    [Stories260KFact]
    public async Task A_continuation_keeps_the_space_that_joins_it_to_the_prompt()
    {
        using var loaded = PretrainedModel.Load(SharedModels.Stories260KBin, SharedModels.Tok512Bin);
        await using var engine = new GenerationEngine(loaded.Model, maxBatch: 1);
        var generator = new TextGenerator(engine, loaded.Tokenizer, loaded.StopTokens);
        var completion = await generator.CompleteAsync(generator.Prepare("The dog", SamplingOptions.Greedy(5)));
        Assert.StartsWith(" ", completion.Text);
        Assert.Equal(loaded.Tokenizer.Decode(completion.PromptTokens.Concat(completion.Tokens)), "The dog" + completion.Text);
    }
}
