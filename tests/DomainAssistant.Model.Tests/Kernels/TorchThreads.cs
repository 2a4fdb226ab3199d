using static TorchSharp.torch;

namespace DomainAssistant.Model.Tests.Kernels;

/// <summary>Sets libtorch's thread count for the kernel tests' thread splits, and puts the previous one back.</summary>
internal sealed class TorchThreads : IDisposable
{
    readonly int _previous = get_num_threads();

    public TorchThreads(int threads) => set_num_threads(threads);

    public void Dispose() => set_num_threads(_previous);
}
