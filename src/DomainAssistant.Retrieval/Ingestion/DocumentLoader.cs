using System.Security.Cryptography;
using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Retrieval.Ingestion;

/// <summary>
/// Reads corpus files into <see cref="SourceDocument"/>s: Markdown and text as they are, HTML through
/// <see cref="HtmlText"/>. The id and path are the file's path relative to the corpus folder (with '/'), so they
/// are the same on every machine; the version is a hash of the file's bytes.
/// </summary>
public static class DocumentLoader
{
    /// <summary>File extensions read, lower case.</summary>
    public static IReadOnlySet<string> SupportedExtensions { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".md", ".markdown", ".txt", ".html", ".htm" };

    /// <summary>The supported files under <paramref name="folder"/> (recursively), in ordinal path order.</summary>
    public static IReadOnlyList<string> FindFiles(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Corpus folder '{folder}' does not exist.");
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => SupportedExtensions.Contains(Path.GetExtension(path)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Reads one file of the corpus rooted at <paramref name="corpusFolder"/>.</summary>
    /// <exception cref="InvalidDataException">The file type is not supported, or the file is not UTF-8 text.</exception>
    public static async Task<SourceDocument> LoadAsync(string path, string domain, string corpusFolder, CancellationToken cancellationToken = default)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!SupportedExtensions.Contains(extension))
            throw new InvalidDataException(
                $"'{path}': unsupported document type '{extension}' (supported: {string.Join(", ", SupportedExtensions)}).");
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var raw = DecodeUtf8(bytes, path);
        var relative = Path.GetRelativePath(corpusFolder, path).Replace(Path.DirectorySeparatorChar, '/');
        var fallbackTitle = Path.GetFileNameWithoutExtension(path);
        var (title, text) = extension is ".html" or ".htm"
            ? HtmlText.Extract(raw)
            : (extension == ".txt" ? null : MarkdownTitle(raw), raw);
        var version = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        return new SourceDocument(relative, domain, relative, title ?? fallbackTitle, text, version);
    }

    /// <summary>The text of the first "# " heading, or null.</summary>
    public static string? MarkdownTitle(string markdown)
    {
        foreach (var line in markdown.AsSpan().EnumerateLines())
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("# ")) return trimmed[2..].Trim().TrimEnd('#').Trim().ToString();
        }
        return null;
    }

    static string DecodeUtf8(byte[] bytes, string path)
    {
        try
        {
            var text = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
            // Offsets are into this text: drop a byte-order mark and use '\n' line ends everywhere.
            return text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new InvalidDataException($"'{path}' is not UTF-8 text: {e.Message}", e);
        }
    }
}
