namespace DomainAssistant.Training.Data;

/// <summary>
/// The random numbers that decide data order (window offsets, shuffles): SplitMix64 (Steele, Lea and Flood, 2014),
/// whose whole state is one 64-bit integer, so a checkpoint can save it and a resumed run draw the same numbers.
/// </summary>
public sealed class DataRandom
{
    public DataRandom(ulong state) => State = state;

    /// <summary>The generator's state: save it, and a generator made from it continues the same sequence.</summary>
    public ulong State { get; private set; }

    public ulong NextUInt64()
    {
        var z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>).</summary>
    public long Next(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (long)(NextUInt64() % (ulong)bound); // modulo bias is below 2^-40 for the bounds used here
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(IList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = (int)Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
