using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace DomainAssistant.Model.Kernels;

// Software prefetch for the general sweep: the cache lines of the positions the sweep reads next.
public static partial class DecodeAttention
{
    sealed partial record Work
    {
        /// <summary>
        /// How many positions ahead of the four being read the sweeps request a head's keys or values. The hardware
        /// prefetcher does not keep up with four position streams 3 KB apart (110M shape) that restart every row and
        /// pass. Requesting them four positions ahead made the sweep faster alone and inside the model's step; 8 or 16
        /// positions ahead gained less (figures: docs/modeling.md, 'Decode attention').
        /// </summary>
        const int PrefetchAhead = 4;

        /// <summary>Requests into L1 the <paramref name="headDim"/> elements at element <paramref name="element"/> + i * stride, i &lt; 4.
        /// Positions past the row's history (even past the cache's end) are harmless: a prefetch never faults.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static unsafe void PrefetchFour<T>(byte* cache, long element, int stride, int headDim) where T : struct, IStoredElement
        {
            byte* start = cache + element * T.Bytes;
            int run = headDim * T.Bytes;
            long step = (long)stride * T.Bytes;
            for (int i = 0; i < 4; i++, start += step)
                for (int offset = 0; offset < run; offset += CacheLine) Sse.Prefetch0(start + offset);
        }

        const int CacheLine = 64;
    }
}
