namespace DomainAssistant.Api.Hosting;

/// <summary>Where a part that readies itself in the background stands.</summary>
public enum WarmupState
{
    /// <summary>Still loading, training or indexing.</summary>
    Warming,

    /// <summary>Serving.</summary>
    Ready,

    /// <summary>Gave up; <see cref="Warmup.Detail"/> says why. The host keeps answering /health with it.</summary>
    Failed,
}

/// <summary>
/// The readiness of one part (the model, the index): what it is doing now, and a task that completes when it is
/// ready (or faults when it failed). /health reports every warmup; requests that need the part wait on it or answer 503.
/// </summary>
public sealed class Warmup(string name)
{
    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile string _detail = "starting";

    /// <summary>"model" or "index".</summary>
    public string Name { get; } = name;

    public WarmupState State { get; private set; } = WarmupState.Warming;

    /// <summary>What it is doing now (while warming), "ready", or why it failed.</summary>
    public string Detail => _detail;

    /// <summary>Completes when ready; faults when it failed.</summary>
    public Task Ready => _ready.Task;

    public bool IsReady => State == WarmupState.Ready;

    public void Report(string detail)
    {
        if (State == WarmupState.Warming) _detail = detail;
    }

    public void MarkReady()
    {
        _detail = "ready";
        State = WarmupState.Ready;
        _ready.TrySetResult();
    }

    public void MarkFailed(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _detail = error.Message;
        State = WarmupState.Failed;
        _ready.TrySetException(error);
    }
}
