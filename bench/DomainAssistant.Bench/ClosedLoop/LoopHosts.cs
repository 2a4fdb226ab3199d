namespace DomainAssistant.Bench.ClosedLoop;

/// <summary>
/// The hosts a loop runs against (one host, or the scale-out stack), started by the harness for the loop alone and stopped when it ends: where simulated
/// users reach the API, and where the hosts keep the files of their alignment runs (on this machine: the harness reads
/// them as an operator on the hosts' disk would).
/// </summary>
public interface ILoopHosts : IAsyncDisposable
{
    /// <summary><see cref="LoopOptions.Embedded"/> or <see cref="LoopOptions.ScaleOut"/>, for the report.</summary>
    string Name { get; }

    /// <summary>The API processes' base addresses; the simulated users spread over them.</summary>
    IReadOnlyList<Uri> ApiAddresses { get; }

    /// <summary>The hosts' <c>Storage:DataDirectory</c>, where alignment runs write their files (<see cref="RunFiles"/>).</summary>
    string DataDirectory { get; }

    /// <summary>Where the hosts' logs are, for a reader of a failed run.</summary>
    string Logs { get; }
}
