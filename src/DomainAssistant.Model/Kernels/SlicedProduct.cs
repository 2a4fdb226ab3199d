using System.Runtime.CompilerServices;

namespace DomainAssistant.Model.Kernels;

/// <summary>A small-batch product whose input dimension goes in slices, with one loop specialised per row count.</summary>
internal interface ISlicedProduct
{
    /// <summary>Inputs [start, start + length) of output columns [from, to), for every row; prefetching <paramref name="ahead"/> columns on.</summary>
    void Slices<TRows>(int from, int to, int start, int length, int ahead) where TRows : struct, IRowCount;
}

/// <summary>The slice loop and row-count dispatch shared by the float32 and the bfloat16-weight products.</summary>
internal static class SlicedProduct
{
    /// <summary>Output columns [from, to) of a 2-8 row product over <paramref name="k"/> inputs.</summary>
    /// <param name="product">The product (a struct: the JIT specialises this loop for it).</param>
    /// <param name="rows">Activation rows, 2 to 8.</param>
    /// <param name="k">Inputs per row (weights per column).</param>
    /// <param name="maxSlice">Longest stretch of the input dimension done in one go.</param>
    /// <param name="prefetchWeights">How far ahead in the weight stream, counted in weights, the loop asks for weights.</param>
    /// <param name="from">First output column.</param>
    /// <param name="to">One past the last output column.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TProduct>(in TProduct product, int rows, int k, int maxSlice, int prefetchWeights, int from, int to)
        where TProduct : struct, ISlicedProduct
    {
        int slice = Math.Min(k, maxSlice);
        for (int start = 0; start < k; start += slice)
        {
            int length = Math.Min(slice, k - start);
            // Columns are weight rows k weights apart: prefetching the same slice of a later column keeps the
            // distance in flight whether or not the input is sliced.
            int ahead = (prefetchWeights + length - 1) / length;
            switch (rows)
            {
                case 2: product.Slices<Two>(from, to, start, length, ahead); break;
                case 3: product.Slices<Three>(from, to, start, length, ahead); break;
                case 4: product.Slices<Four>(from, to, start, length, ahead); break;
                case 5: product.Slices<Five>(from, to, start, length, ahead); break;
                case 6: product.Slices<Six>(from, to, start, length, ahead); break;
                case 7: product.Slices<Seven>(from, to, start, length, ahead); break;
                default: product.Slices<Eight>(from, to, start, length, ahead); break;
            }
        }
    }
}
