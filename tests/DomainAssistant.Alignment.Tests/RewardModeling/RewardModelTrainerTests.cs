using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Alignment.Preferences;
using DomainAssistant.Alignment.RewardModeling;
using DomainAssistant.Alignment.Tests.Support;
using DomainAssistant.Model;
using DomainAssistant.Model.Lora;
using DomainAssistant.Storage.Lineage;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Alignment.Tests.RewardModeling;

/// <summary>Reward-model training on a tiny random model and a rater with a learnable rule.</summary>
public sealed class RewardModelTrainerTests(TrainedTokenizer tokenizer) : IClassFixture<TrainedTokenizer>
{
    static readonly RewardModelOptions Fast = new() { Epochs = 6, BatchRows = 8, LearningRate = 5e-3, MaxLength = 64, Rank = 4 };

    [Fact]
    public void Learns_the_raters_rule_and_saves_a_folder_that_loads_back_to_the_same_scores()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var feedback = SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 40);
        var output = Path.Combine(work.Path, "rm");

        var summary = Train(Fast, model.Path, feedback, output);

        Assert.True(summary.HeldoutAccuracy >= 0.75, $"held-out accuracy {summary.HeldoutAccuracy:P1} (before {summary.HeldoutAccuracyBefore:P1})");
        Assert.Equal(16, summary.HeldoutExamples); // 8 of 40 prompts held out, two votes each
        Assert.Equal(64, summary.TrainExamples);
        foreach (var file in new[] { PeftAdapter.ConfigFileName, PeftAdapter.WeightsFileName, RewardModelFolder.HeadFileName, RewardModelFolder.ConfigFileName, LineageRecord.FileName })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Equal(summary.Checksum, RewardModelFolder.ReadConfig(output).Checksum);

        using var loaded = PretrainedModel.Load(model.Path);
        using var reward = RewardModelFolder.Load(output, loaded.Model, "rm");
        var tokens = new Encoding.AlignmentTokens(loaded.Tokenizer, 64);
        var scores = reward.Score([tokens.Join("Where is the order of Bo?", "The order is ready [1]."), tokens.Join("Where is the order of Bo?", "The order is ready.")], tokens.PadId);
        Assert.True(scores[0] > scores[1], $"cited {scores[0]:F3} vs uncited {scores[1]:F3}");
    }

    [Fact]
    public void As_the_gates_reward_it_scores_prompt_and_answer_ids_and_refuses_another_base()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var output = Path.Combine(work.Path, "rm");
        Train(Fast with { Epochs = 1 }, model.Path, SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 10), output);
        using var loaded = PretrainedModel.Load(model.Path);

        var wrongBase = Assert.Throws<InvalidDataException>(() => RewardModelAnswerReward.Load(output, loaded, new string('0', 64)));
        Assert.Contains("trained on base", wrongBase.Message, StringComparison.Ordinal);

        using var reward = RewardModelAnswerReward.Load(output, loaded, Training.Sft.Checksums.Model(model.Path));
        var tokens = new Encoding.AlignmentTokens(loaded.Tokenizer, 64);
        var cited = tokens.Join("Where is the order of Bo?", "The order is ready [1].");
        var plain = tokens.Join("Where is the order of Bo?", "The order is ready.");
        var scores = reward.Score([Split(cited), Split(plain)]);
        using var direct = RewardModelFolder.Load(output, loaded.Model, "rm-direct");
        var expected = direct.Score([cited, plain], tokens.PadId);
        Assert.Equal(expected[0], scores[0], 4);
        Assert.Equal(expected[1], scores[1], 4);
        Assert.Equal(RewardModelFolder.ReadConfig(output).Checksum, reward.Sha256);

        static (IReadOnlyList<int>, IReadOnlyList<int>) Split(Encoding.ScoredSequence sequence) =>
            (sequence.Ids[..sequence.PromptLength], sequence.Ids[sequence.PromptLength..]);
    }

    [Fact]
    public void A_changed_reward_model_file_is_refused()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var output = Path.Combine(work.Path, "rm");
        Train(Fast with { Epochs = 1 }, model.Path, SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 10), output);
        var head = Path.Combine(output, RewardModelFolder.HeadFileName);
        var bytes = File.ReadAllBytes(head);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(head, bytes);

        var error = Assert.Throws<InvalidDataException>(() => RewardModelFolder.ReadConfig(output));

        Assert.Contains("changed after training", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_votes_end_with_a_message_and_no_model()
    {
        using var model = new TinyModelFolder(tokenizer);
        using var work = new TempFolder();
        var output = Path.Combine(work.Path, "rm");

        var error = Assert.Throws<InvalidDataException>(() =>
            Train(Fast with { Preferences = new PreferenceOptions { MinVotes = 20 } }, model.Path, SyntheticFeedback.Write(work.Path, "votes.jsonl", prompts: 5), output));

        Assert.Contains("too few votes to train on: 10 usable", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    /// <summary>Loads as `da align rm` does (fresh LoRA, a prompt split for held-out votes) and trains.</summary>
    static RewardModelSummary Train(RewardModelOptions options, string modelPath, string feedbackPath, string output)
    {
        using var inputs = FeedbackInputs.Load(modelPath, null, feedbackPath, null, options.Preferences);
        return new RewardModelTrainer(options).Run(inputs.Start, inputs.Feedback, inputs.HeldOut, output);
    }
}
