using System.Text.Json;
using DomainAssistant.Model;
using DomainAssistant.Model.Tokenization;
using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Corpus;
using DomainAssistant.Training.Data;
using DomainAssistant.Training.Progress;
using DomainAssistant.Training.Tokenizers;

namespace DomainAssistant.Training.Pretraining;

/// <summary>
/// Bootstrap pretraining of a freshly initialised small Llama (made here, from the options and the tokenizer) on a
/// corpus its caller opened, into a Hugging Face folder (config.json,
/// model.safetensors, tokenizer files) that <see cref="PretrainedModel.Load"/> and `da generate` read.
/// </summary>
/// <remarks>
/// The tokenizer is trained first when the output folder has none (byte-level BPE, <see cref="PretrainingOptions.VocabSize"/>).
/// Documents are joined into one token stream, each opened by &lt;|endoftext|&gt;; one 512-token chunk in
/// <see cref="PretrainingOptions.HeldOutEvery"/> is held out. Training resumes from the folder's checkpoint with
/// <c>resume</c>; without it an existing checkpoint is refused rather than overwritten.
/// </remarks>
public sealed class BaseTrainer(PretrainingOptions options, IProgress<TrainingEvent>? progress = null)
{
    const int HeldOutChunk = 512;

    readonly PretrainingOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Trains (or resumes) and writes the model; returns what happened.</summary>
    /// <param name="corpus">The training text, opened by the caller (<c>new TextCorpus(folder)</c> refuses a missing or empty folder).</param>
    /// <param name="outputFolder">The model folder: its tokenizer and checkpoint are the run's own state, so the trainer reads them there.</param>
    /// <param name="resume">Continue from the checkpoint in <paramref name="outputFolder"/>.</param>
    /// <param name="cancellation">Stops after the current step; the model so far is checkpointed and written.</param>
    /// <exception cref="Optimization.TrainingDivergedException">NaN or infinite loss; the last checkpoint is kept.</exception>
    public TrainingSummary Run(TextCorpus corpus, string outputFolder, bool resume, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        _options.Validate();
        var clock = new TrainingClock(_options.MaxMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null);
        var hasCheckpoint = TrainingCheckpoint.Find(outputFolder) is not null;
        if (hasCheckpoint && !resume)
            throw new ArgumentException($"'{outputFolder}' already holds a training checkpoint: pass --resume to continue it, or choose another output folder.");
        Directory.CreateDirectory(outputFolder);
        EnsureTokenizer(corpus, outputFolder, cancellation);
        var tokenizer = TokenizerLoader.Load(outputFolder);
        var (train, heldOut) = Tokenize(corpus, tokenizer).Split(HeldOutChunk, _options.HeldOutEvery);

        using var checkpoint = hasCheckpoint ? TrainingCheckpoint.Load(outputFolder) : null;
        if (checkpoint is not null) EnsureSameOptions(checkpoint.State, outputFolder);
        var config = checkpoint?.Config ?? _options.Config ?? ModelSizes.For(_options.Size, tokenizer.VocabSize, _options.MaxPositions,
            tokenizer.BosId ?? ChatSpecialTokens.EndOfTextId, tokenizer.EosId ?? ChatSpecialTokens.ImEndId);
        tokenizer.EnsureMatches(config);

        using var run = new PretrainingRun(config, _options, checkpoint, outputFolder, train, heldOut, progress);
        var before = run.EvalLossBefore();
        run.Report(TrainingPhase.Started, clock, null, 0, $"{run.TrainableParameters:N0} parameters, {train.Length:N0} training and {heldOut.Length:N0} held-out tokens");
        var reason = run.Train(clock, cancellation);
        var after = run.Evaluate(clock);
        run.Checkpoint(clock);
        run.WriteModel();
        run.Report(TrainingPhase.Finished, clock, run.LastLoss, 0, reason.Name());
        return new TrainingSummary
        {
            Job = "base", Output = Path.GetFullPath(outputFolder), EvalLossBefore = before, EvalLossAfter = after,
            TrainTokens = clock.Tokens, TokensPerSecond = clock.TokensPerSecond, Steps = run.Step, TotalSteps = run.TotalSteps,
            Completed = reason.Completed(), StopReason = reason, Seconds = clock.Elapsed.TotalSeconds,
            Parameters = run.TrainableParameters, TrainableParameters = run.TrainableParameters,
        };
    }

    void EnsureTokenizer(TextCorpus corpus, string outputFolder, CancellationToken cancellation)
    {
        if (File.Exists(Path.Combine(outputFolder, HuggingFaceTokenizerFolder.TokenizerFile))) return;
        var vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = _options.VocabSize })
            .Train(corpus.ReadDocuments(), null, cancellation);
        HuggingFaceTokenizerFolder.Save(vocabulary, outputFolder, _options.MaxPositions);
    }

    static TokenCorpus Tokenize(TextCorpus corpus, ModelTokenizer tokenizer)
    {
        var separator = ExampleEncoder.DocumentSeparator(tokenizer);
        var tokens = new List<int>();
        foreach (var document in corpus.ReadDocuments())
        {
            if (separator is int id) tokens.Add(id);
            tokens.AddRange(tokenizer.Encode(document, addBos: false));
        }
        return new TokenCorpus([.. tokens]);
    }

    void EnsureSameOptions(TrainerState state, string outputFolder)
    {
        // Re-serialised compactly, so the saved file's indentation does not count as a difference.
        var (saved, now) = (JsonSerializer.Serialize(state.Options), JsonSerializer.Serialize(TrainerState.SerializeOptions(_options)));
        if (state.Job != "base" || saved != now)
            throw new ArgumentException($"the checkpoint in '{outputFolder}' was made with other options; resume with the same ones.\n  saved: {saved}\n  now:   {now}");
    }
}
