using System.Diagnostics;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>
/// A small tmpfs of its own, mounted for one test, whose writes can really fail even for root (who ignores file
/// modes): filled to the last byte (ENOSPC, SQLite's SQLITE_FULL) or remounted read-only (EROFS, SQLITE_READONLY).
/// Skips the test with the reason when this machine does not let it mount (not root, or no CAP_SYS_ADMIN).
/// </summary>
public sealed class ScratchFilesystem : IDisposable
{
    readonly string _filler;

    ScratchFilesystem(string path)
    {
        Path = path;
        _filler = System.IO.Path.Combine(path, "filler.bin");
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB on a fresh folder.</summary>
    public static ScratchFilesystem Mount(int megabytes)
    {
        var path = Directory.CreateTempSubdirectory("da-scratch-fs-").FullName;
        var (ok, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", path);
        if (!ok) Directory.Delete(path);
        Skip.IfNot(ok, $"cannot mount a tmpfs here (root with CAP_SYS_ADMIN is needed): {output}");
        return new ScratchFilesystem(path);
    }

    /// <summary>Writes a filler file until the filesystem refuses: no byte is left for anyone.</summary>
    public void Fill()
    {
        var block = new byte[64 * 1024];
        using var filler = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true) filler.Write(block);
        }
        catch (IOException)
        {
        }
        // Smaller pieces for the last partial block, so not even a page is left.
        var page = new byte[512];
        try
        {
            while (true) filler.Write(page);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Deletes the filler: the space is back.</summary>
    public void Free() => File.Delete(_filler);

    /// <summary>Remounts read-only; false with the reason when a file open for writing keeps it busy.</summary>
    public (bool Done, string Output) MakeReadOnly() => Run("mount", "-o", "remount,ro", Path);

    /// <summary>Remounts read-write.</summary>
    public void MakeWritable()
    {
        var (ok, output) = Run("mount", "-o", "remount,rw", Path);
        if (!ok) throw new InvalidOperationException($"could not remount {Path} read-write: {output}");
    }

    public void Dispose()
    {
        // Lazy: a connection pool the test could not reach may still hold a file; the mount goes once it lets go.
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    static (bool Ok, string Output) Run(string program, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode == 0, output.Trim());
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            return (false, missing.Message);
        }
    }
}
