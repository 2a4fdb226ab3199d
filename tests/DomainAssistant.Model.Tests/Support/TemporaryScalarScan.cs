using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace DomainAssistant.Model.Tests.Support;

/// <summary>
/// Finds, in compiled IL, every call that hands libtorch a TorchSharp <see cref="Scalar"/> nobody keeps alive.
/// </summary>
/// <remarks>
/// TorchSharp passes a Scalar to native code by its handle alone, with no GC.KeepAlive: a Scalar made on the fly
/// (an implicit conversion from a .NET number, or one made inside TorchSharp such as the alpha of
/// <c>Tensor.add(Tensor)</c> or the exponent of <c>square()</c>) may be finalized, and its native memory freed,
/// while libtorch still reads it. The symptoms are rare native errors ("Expected false to be true",
/// "Unknown scalar type") or silently wrong numbers (docs/modeling.md, "Scalars"). The rule this scan enforces:
/// every Scalar is explicit and owned (a <see cref="TorchScalars"/> constant, a field, or a <c>using</c> local).
/// Linked into every test project whose assemblies call TorchSharp.
/// </remarks>
public static class TemporaryScalarScan
{
    // TorchSharp members that build a temporary Scalar inside themselves; the right-hand column says what to use.
    static readonly Dictionary<string, string> InternalTemporaries = new(StringComparer.Ordinal)
    {
        ["Tensor.add(Tensor)"] = "add(other, TorchScalars.One)",
        ["Tensor.add(Scalar)"] = "add(scalar, TorchScalars.One)",
        ["Tensor.add_(Tensor)"] = "add_(other, TorchScalars.One)",
        ["Tensor.add_(Scalar)"] = "add_(scalar, TorchScalars.One)",
        ["Tensor.addcdiv(Tensor, Tensor)"] = "addcdiv(t1, t2, TorchScalars.One)",
        ["Tensor.addcdiv_(Tensor, Tensor)"] = "addcdiv_(t1, t2, TorchScalars.One)",
        ["Tensor.square()"] = "x.mul(x)",
        ["Tensor.celu()"] = "an owned alpha",
        ["Tensor.celu_()"] = "an owned alpha",
    };

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>Every offending call in <paramref name="assembly"/>, as "Caller -> callee: why".</summary>
    public static IReadOnlyList<string> Find(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Find(assembly.GetTypes());
    }

    /// <summary>Every offending call in the methods of <paramref name="types"/> (nested types are separate types).</summary>
    public static IReadOnlyList<string> Find(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var findings = new List<string>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in types)
        {
            var methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
            foreach (var method in methods)
                foreach (var callee in Callees(method))
                    if (Offence(callee) is { } why) findings.Add($"{type.FullName}.{method.Name} -> {Describe(callee)}: {why}");
        }
        return findings;
    }

    static string? Offence(MethodBase callee)
    {
        if (callee.DeclaringType == typeof(Scalar) && callee.Name == "op_Implicit")
            return "an implicit Scalar; make it explicit and owned (TorchScalars, a field, or a using local)";
        if (callee.DeclaringType == typeof(TensorExtensionMethods) && callee.Name is "ToSingle" or "ToDouble" or "ToInt64" or "ToInt32" or "ToHalf" or "ToBFloat16")
            return "converts through a temporary Scalar; use item<T>()";
        if (callee.DeclaringType == typeof(torch.Tensor) && callee.Name.StartsWith("op_", StringComparison.Ordinal) && callee.Name != "op_Implicit")
            return "a Tensor operator (those with a number build a temporary Scalar; the rule is no operators); call the method, with an owned Scalar";
        if (callee.DeclaringType == typeof(torch.Tensor) && InternalTemporaries.TryGetValue(Describe(callee), out var instead))
            return $"builds a temporary Scalar inside TorchSharp; use {instead}";
        return null;
    }

    static string Describe(MethodBase method) =>
        $"{method.DeclaringType?.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";

    /// <summary>Methods called (call, callvirt, newobj, ldftn) in a method body.</summary>
    static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var offset = 0; offset < il.Length;)
        {
            short value = il[offset] == 0xFE ? (short)(0xFE00 | il[offset + 1]) : il[offset];
            var code = OpCodesByValue[value];
            offset += code.Size;
            if (code.OperandType == OperandType.InlineMethod)
            {
                var token = BitConverter.ToInt32(il, offset);
                yield return method.Module.ResolveMethod(token, typeArguments, methodArguments)!;
            }
            offset += OperandSize(code.OperandType, il, offset);
        }
    }

    static int OperandSize(OperandType type, byte[] il, int offset) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, offset),
        _ => 4,
    };
}
