using System.Runtime.InteropServices;

namespace DomainAssistant.Model.Threading;

/// <summary>
/// Makes libtorch's OpenMP threads sleep instead of spin when they wait (OMP_WAIT_POLICY=PASSIVE), unless the user set
/// a policy. On a machine shared with other busy processes, spinning threads burn the time slices the working thread
/// needs: training on two threads ran several times faster with PASSIVE than with the default policy, and faster
/// than on one thread (figures: docs/modeling.md, 'OpenMP wait policy').
/// </summary>
/// <remarks>
/// libgomp reads the variable once, when libtorch is loaded, and .NET's Environment.SetEnvironmentVariable does not
/// reach native code on Linux, so this calls libc's setenv and must run before the first TorchSharp call of the
/// process (the CLI's training commands and the benchmark do). Later calls change nothing.
/// </remarks>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE for native code when it is unset; returns the policy in force.</summary>
    public static string UsePassiveUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen) return chosen;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = SetEnvironment(Variable, "PASSIVE", 0);
        Environment.SetEnvironmentVariable(Variable, "PASSIVE");
        return "PASSIVE";
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
