using System.Numerics.Tensors;

namespace DomainAssistant.Retrieval.Vectors;

/// <summary>Scales vectors to length 1, so cosine similarity is a plain (SIMD) dot product.</summary>
static class UnitVector
{
    /// <summary>A normalised copy of <paramref name="vector"/>.</summary>
    /// <exception cref="ArgumentException">Empty, not finite, or all zeros (no direction to compare).</exception>
    public static float[] From(ReadOnlySpan<float> vector, string what)
    {
        if (vector.IsEmpty) throw new ArgumentException($"The vector of {what} is empty.");
        var norm = TensorPrimitives.Norm(vector);
        if (!float.IsFinite(norm))
            throw new ArgumentException($"The vector of {what} is not finite (NaN, infinity, or too large to measure).");
        if (norm == 0f) throw new ArgumentException($"The vector of {what} is all zeros.");
        var unit = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, unit);
        return unit;
    }
}
