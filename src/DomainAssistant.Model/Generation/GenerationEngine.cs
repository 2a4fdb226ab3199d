using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DomainAssistant.Model.Kernels;
using DomainAssistant.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DomainAssistant.Model.Generation;

/// <summary>
/// Continuous batching over one model: every request gets a KV-cache slot, is prefilled alone, then decodes
/// together with all other active requests, one token per step each, each with its own sampler and adapter.
/// All tensor work runs on one background thread; callers only read their token streams.
/// </summary>
public sealed class GenerationEngine : IAsyncDisposable
{
    readonly LlamaForCausalLM _model;
    readonly KvCache _cache;
    readonly Channel<ActiveSequence> _pending = Channel.CreateUnbounded<ActiveSequence>(new() { SingleReader = true });
    readonly Stack<int> _freeSlots;
    readonly List<ActiveSequence> _active = [];
    readonly CancellationTokenSource _shutdown = new();
    readonly HostLogits _hostLogits = new();
    readonly Task _loop;
    readonly IDisposable? _weightPanels;

    /// <param name="model">The model; the engine owns its forward passes from now on.</param>
    /// <param name="maxBatch">Sequences decoded together; more requests wait for a free slot.</param>
    /// <param name="contextLength">Tokens per sequence (prompt + generated); at most the model's position limit.</param>
    /// <param name="weightPanels">Whether batches decode from a second, panel-ordered copy of float32 weights
    /// (<see cref="LlamaForCausalLM.LeaseWeightPanels"/>): faster from 4 rows for large models, the weights' size again
    /// in memory. Null (default): for models that decode on every core (<see cref="GainsFromPanels"/>).</param>
    public GenerationEngine(LlamaForCausalLM model, int maxBatch = 16, int? contextLength = null, bool? weightPanels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _model = model;
        ContextLength = Math.Min(contextLength ?? model.Config.MaxPositionEmbeddings, model.Config.MaxPositionEmbeddings);
        _cache = model.NewKvCache(maxBatch, ContextLength);
        _freeSlots = new Stack<int>(Enumerable.Range(0, maxBatch).Reverse());
        // Batches read the weights faster from panels (LlamaForCausalLM.LeaseWeightPanels), at the cost of a copy.
        _weightPanels = maxBatch >= SmallBatchLinear.MinPanelRows && (weightPanels ?? GainsFromPanels(model)) ? model.LeaseWeightPanels() : null;
        _loop = Task.Factory.StartNew(RunLoop, TaskCreationOptions.LongRunning).Unwrap();
    }

    public int ContextLength { get; }

    /// <summary>
    /// Whether batches of <paramref name="model"/> decode faster from weight panels: models that
    /// <see cref="DecodeThreads"/> runs on every core of a multi-core machine. Through the engine, the 110M shape on
    /// two threads gained at batch 8 and the 15M shape on one thread lost: on one core the panels read no faster out of
    /// cache and slower in it (figures: docs/modeling.md, 'Panel-ordered weights').
    /// </summary>
    public static bool GainsFromPanels(LlamaForCausalLM model) =>
        Environment.ProcessorCount > 1 && !DecodeThreads.IsSmall(model);

    /// <summary>
    /// Held by the loop around each round of its tensor work (admission with prefill, one decode step). Anything
    /// else that runs a forward pass over this engine's model (the host's embedding generator) takes it too, so
    /// forwards never overlap: the engine keeps its cores for the step it runs, and nothing that a forward touches
    /// has to be thread-safe. Uncontended it costs nanoseconds per step.
    /// </summary>
    public Lock ForwardGate { get; } = new();

    public int VocabSize => _model.Config.VocabSize;

    /// <summary>Streams the tokens generated for <paramref name="request"/>; the last event carries the finish reason.</summary>
    /// <remarks>Stopping the enumeration early (or cancelling) frees the sequence's slot at the next step.</remarks>
    public async IAsyncEnumerable<TokenEvent> GenerateAsync(TokenRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        request.Sampling.Validate();
        if (request.PromptTokens.Count == 0) throw new ArgumentException("the prompt has no tokens.", nameof(request));
        if (request.PromptTokens.Count >= ContextLength)
            throw new ArgumentException($"the prompt has {request.PromptTokens.Count} tokens; the context window holds {ContextLength}.", nameof(request));
        foreach (var id in request.PromptTokens)
            if (id < 0 || id >= VocabSize)
                throw new ArgumentException($"prompt token id {id} is outside the vocabulary (0..{VocabSize - 1}).", nameof(request));

        var sequence = new ActiveSequence(request);
        await _pending.Writer.WriteAsync(sequence, cancellationToken);
        try
        {
            await foreach (var item in sequence.Output.Reader.ReadAllAsync(cancellationToken))
                yield return item;
        }
        finally
        {
            sequence.Abandoned = true; // harmless when it already finished
        }
    }

    async Task RunLoop()
    {
        try
        {
            while (!_shutdown.IsCancellationRequested)
            {
                if (_active.Count == 0 && !await _pending.Reader.WaitToReadAsync(_shutdown.Token)) return;
                lock (ForwardGate)
                {
                    AdmitWaiting();
                    RetireAbandoned();
                    if (_active.Count > 0) DecodeStepOrFailBatch();
                }
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var sequence in _active) sequence.Output.Writer.TryComplete(new ObjectDisposedException(nameof(GenerationEngine)));
            while (_pending.Reader.TryRead(out var waiting)) waiting.Output.Writer.TryComplete(new ObjectDisposedException(nameof(GenerationEngine)));
        }
    }

    void AdmitWaiting()
    {
        var admitted = new List<ActiveSequence>();
        while (_freeSlots.Count > 0 && _pending.Reader.TryRead(out var sequence))
        {
            if (sequence.Abandoned) { sequence.Output.Writer.TryComplete(); continue; }
            sequence.Slot = _freeSlots.Pop();
            _cache.Clear(sequence.Slot);
            admitted.Add(sequence);
        }
        // Prompts of one length prefill in one forward ([n, T] rows instead of n forwards of [1, T]): a burst of
        // requests waits one prefill, not n. A request whose logits are observed prefills alone (all its positions
        // come back), and a group that fails is retried one by one so one bad request cannot fail its neighbours.
        foreach (var group in admitted.GroupBy(s => s.Request.Observer is null ? s.Request.PromptTokens.Count : -1 - s.Slot))
        {
            var sequences = group.ToList();
            try
            {
                if (Prefill(sequences) is { } error)
                {
                    if (sequences.Count == 1) Finish(sequences[0], error);
                    else foreach (var sequence in sequences)
                    {
                        _cache.Clear(sequence.Slot); // the failed forward may have counted its tokens before failing
                        if (Prefill([sequence]) is { } own) Finish(sequence, own);
                    }
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                foreach (var sequence in sequences.Where(s => !s.Done)) Finish(sequence, error);
            }
            _active.AddRange(sequences.Where(s => !s.Done));
        }
    }

    /// <summary>Feeds prompts of one length together and samples each sequence's first token.</summary>
    /// <returns>null, or the forward pass's error (nothing was sampled then, so the prompts can be fed again).</returns>
    Exception? Prefill(IReadOnlyList<ActiveSequence> sequences)
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        int length = sequences[0].Request.PromptTokens.Count;
        var ids = tensor(sequences.SelectMany(s => s.Request.PromptTokens.Select(id => (long)id)).ToArray(), [sequences.Count, length]);
        // logits [n, T, V]: every position when someone observes them (then n = 1), else only the last.
        var observer = sequences[0].Request.Observer;
        Tensor logits;
        try
        {
            logits = _model.Forward(ids, _cache, sequences.Select(s => s.Slot).ToArray(), sequences.Select(s => s.Request.Adapter).ToArray(), lastPositionOnly: observer is null);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return error;
        }
        var rows = _hostLogits.Copy(logits);
        int perSequence = rows.Length / sequences.Count;
        for (int i = 0; i < sequences.Count; i++)
        {
            var own = rows.Slice(i * perSequence, perSequence);
            if (observer is not null)
                for (int t = 0; t < length; t++) observer(t, sequences[i].Request.PromptTokens[t], own.Slice(t * VocabSize, VocabSize));
            Advance(sequences[i], own.Slice(own.Length - VocabSize, VocabSize));
        }
        return null;
    }

    /// <summary>A failed step ends the sequences in it with the error; the engine goes on serving new requests.</summary>
    void DecodeStepOrFailBatch()
    {
        try
        {
            DecodeStep();
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            foreach (var sequence in _active.Where(s => !s.Done).ToList()) Finish(sequence, error);
            _active.Clear();
        }
    }

    void DecodeStep()
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        int batch = _active.Count;
        var ids = tensor(_active.Select(s => (long)s.LastToken).ToArray(), [batch, 1]);
        var slots = _active.Select(s => s.Slot).ToArray();
        var adapters = _active.Select(s => s.Request.Adapter).ToArray();
        var logits = _model.Forward(ids, _cache, slots, adapters, lastPositionOnly: true); // [B, 1, V]
        var rows = _hostLogits.Copy(logits); // [B * V]
        for (int b = 0; b < batch; b++)
        {
            var sequence = _active[b];
            var row = rows.Slice(b * VocabSize, VocabSize);
            sequence.Request.Observer?.Invoke(sequence.Position - 1, sequence.LastToken, row);
            Advance(sequence, row);
        }
        _active.RemoveAll(s => s.Done);
    }

    /// <summary>Samples the next token from <paramref name="logits"/> and decides whether the sequence goes on.</summary>
    void Advance(ActiveSequence sequence, ReadOnlySpan<float> logits)
    {
        if (sequence.Generated >= sequence.Request.Sampling.MaxTokens) { Finish(sequence, FinishReason.Length); return; }
        int token = sequence.Sampler.Next(logits);
        if (sequence.Request.StopTokens.Contains(token)) { Finish(sequence, FinishReason.Stop); return; }
        sequence.Accept(token);
        sequence.Output.Writer.TryWrite(TokenEvent.Of(token));
        // The accepted token is fed at Position - 1 next step; past the window it cannot be.
        if (sequence.Generated >= sequence.Request.Sampling.MaxTokens || sequence.Position > ContextLength)
            Finish(sequence, FinishReason.Length);
    }

    void RetireAbandoned()
    {
        foreach (var sequence in _active.Where(s => s.Abandoned).ToList()) Finish(sequence, (Exception?)null);
        _active.RemoveAll(s => s.Done);
    }

    void Finish(ActiveSequence sequence, FinishReason reason)
    {
        sequence.Output.Writer.TryWrite(TokenEvent.End(reason));
        Finish(sequence, (Exception?)null);
    }

    void Finish(ActiveSequence sequence, Exception? error)
    {
        sequence.Done = true;
        sequence.Output.Writer.TryComplete(error);
        _freeSlots.Push(sequence.Slot);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _shutdown.CancelAsync();
        await _loop.ConfigureAwait(false);
        lock (ForwardGate) _weightPanels?.Dispose(); // a forward under the gate (the host's embedder) may read them
        _cache.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>One request's state inside the loop.</summary>
    sealed class ActiveSequence(TokenRequest request)
    {
        public TokenRequest Request { get; } = request;
        public TokenSampler Sampler { get; } = new(request.Sampling, request.PromptTokens);
        public Channel<TokenEvent> Output { get; } = Channel.CreateUnbounded<TokenEvent>(new() { SingleWriter = true });
        public int Slot { get; set; } = -1;
        public int Generated { get; private set; }
        public int LastToken { get; private set; } = request.PromptTokens[^1];

        /// <summary>Tokens in the cache after the next forward: the prompt plus the tokens accepted so far.</summary>
        public int Position => Request.PromptTokens.Count + Generated;

        public volatile bool Abandoned;
        public bool Done { get; set; }

        public void Accept(int token)
        {
            LastToken = token;
            Generated++;
        }
    }
}
