// MSBuild task (compiled by RoslynCodeTaskFactory, see Directory.Build.targets).
// Why: TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32 (GCC 13) for one symbol it never
// calls, while Debian 12 ships GCC 12's libstdc++. The dynamic loader refuses the whole library for that.
// Marking each version the system libstdc++ lacks as weak (VER_FLG_WEAK in .gnu.version_r) lets it load.
// The task touches only copies in build and publish outputs, never the NuGet cache. See docs/build.md.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenMissingGlibcxxVersions : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    /// <summary>Folder searched (recursively) for native libraries named <see cref="FileName"/>.</summary>
    [Required] public string Directory { get; set; } = "";

    public string FileName { get; set; } = "libLibTorchSharp.so";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        var systemLibstdcxx = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        if (systemLibstdcxx is null)
        {
            Log.LogMessage(MessageImportance.Low, "No system libstdc++.so.6 found; native libraries left as they are.");
            return true;
        }
        var systemBytes = File.ReadAllBytes(systemLibstdcxx);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, FileName, SearchOption.AllDirectories))
        {
            foreach (var version in WeakenMissing(path, name => ContainsZeroTerminated(systemBytes, name)))
                Log.LogMessage(MessageImportance.High, $"{path}: marked {version} weak ({systemLibstdcxx} lacks it).");
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Marks weak every libstdc++ version requirement of an ELF64 file that <paramref name="systemHas"/> denies.</summary>
    static string[] WeakenMissing(string path, Func<string, bool> systemHas)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path} is not a little-endian ELF64 file.");
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        var weakened = new System.Collections.Generic.List<string>();
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long verneed = BitConverter.ToInt64(elf, (int)sh + 24);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 44);
            long strtabHeader = shoff + (long)BitConverter.ToUInt32(elf, (int)sh + 40) * shentsize;
            long strtab = BitConverter.ToInt64(elf, (int)strtabHeader + 24);
            for (int n = 0; n < count; n++)
            {
                // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                int auxCount = BitConverter.ToUInt16(elf, (int)verneed + 2);
                string file = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)verneed + 4));
                long aux = verneed + BitConverter.ToUInt32(elf, (int)verneed + 8);
                for (int a = 0; a < auxCount && file.StartsWith("libstdc++", StringComparison.Ordinal); a++)
                {
                    // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    string name = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if ((flags & VerFlagWeak) == 0 && !systemHas(name))
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                        weakened.Add(name);
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                verneed += BitConverter.ToUInt32(elf, (int)verneed + 12);
            }
        }
        if (weakened.Count > 0) File.WriteAllBytes(path, elf);
        return weakened.ToArray();
    }

    static string ReadString(byte[] data, long offset)
    {
        int end = Array.IndexOf(data, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(data, (int)offset, end - (int)offset);
    }

    static bool ContainsZeroTerminated(byte[] haystack, string value)
    {
        // Compiled against netstandard by RoslynCodeTaskFactory: no span search there.
        var needle = Encoding.ASCII.GetBytes(value + "\0");
        for (int at = Array.IndexOf(haystack, needle[0]); at >= 0 && at <= haystack.Length - needle.Length;
             at = Array.IndexOf(haystack, needle[0], at + 1))
        {
            int k = 1;
            while (k < needle.Length && haystack[at + k] == needle[k]) k++;
            if (k == needle.Length) return true;
        }
        return false;
    }
}
