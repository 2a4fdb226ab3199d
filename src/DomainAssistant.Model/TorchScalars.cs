using TorchSharp;

namespace DomainAssistant.Model;

/// <summary>
/// Scalars that live as long as the process, for the constants tensor code passes to libtorch.
/// </summary>
/// <remarks>
/// TorchSharp hands a <see cref="Scalar"/> to native code by its handle alone and does not keep the managed object
/// alive during the call, so a Scalar made on the fly (an implicit conversion from a number, or one TorchSharp
/// makes inside <c>Tensor.add(Tensor)</c> or <c>square()</c>) can be finalized, and its native memory freed, while
/// libtorch still reads it: a rare "Expected false to be true" / "Unknown scalar type" error, or a wrong number.
/// So every Scalar in this solution is explicit and owned: one of these, a field of its owner, or a <c>using</c>
/// local. A test scans the compiled assemblies for the other kind (docs/modeling.md, "Scalars").
/// </remarks>
public static class TorchScalars
{
    /// <summary>1, e.g. the alpha of a plain <c>add(other, One)</c>.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();
}
