using DomainAssistant.Api.Configuration;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// Reads a <c>multipart/form-data</c> upload section by section, refusing it at the first problem: too large (413;
/// counted while reading, so a body without Content-Length cannot slip past), a file type that is not accepted
/// (415), or a bad name or content (400). Every file part is a corpus file; the optional field <c>mode</c> is
/// <c>add</c> (default) or <c>replace</c>.
/// </summary>
public static class CorpusUploadReader
{
    public const string ModeField = "mode";
    const int MaxNameLength = 128;
    const int MaxBoundaryLength = 70;

    /// <exception cref="CorpusUploadException">The upload is refused; the status and message say why.</exception>
    public static async Task<CorpusUpload> ReadAsync(HttpRequest request, UploadOptions limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);
        // The body's size is capped while it is read by the endpoint's BodyLimit (UploadOptions.MaxRequestBytes), for
        // every transfer encoding; crossing it is answered by Http.BodyReadFailures.
        var boundary = Boundary(request);
        try
        {
            return await ReadSectionsAsync(new MultipartReader(boundary, request.Body) { BodyLengthLimit = null }, limits, cancellationToken);
        }
        catch (InvalidDataException error)
        {
            throw CorpusUploadException.Invalid($"The body is not valid multipart/form-data: {error.Message}");
        }
        catch (IOException error) when (error is not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // The multipart reader's "Unexpected end of Stream": the body ended before the closing boundary the header
            // announced (parts framed by another boundary, or a body cut short).
            throw CorpusUploadException.Invalid($"The body is not valid multipart/form-data: it ends before the closing boundary \"--{boundary}--\" " +
                "(are the parts framed by the boundary the Content-Type names, and is the body complete?).");
        }
    }

    static string Boundary(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw CorpusUploadException.UnsupportedType($"Send the files as multipart/form-data (got {(string.IsNullOrEmpty(request.ContentType) ? "no content type" : request.ContentType)}).");
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary)) throw CorpusUploadException.Invalid("The multipart/form-data content type has no boundary.");
        return boundary.Length <= MaxBoundaryLength ? boundary
            : throw CorpusUploadException.Invalid($"The multipart boundary may be at most {MaxBoundaryLength} characters (RFC 2046).");
    }

    static async Task<CorpusUpload> ReadSectionsAsync(MultipartReader reader, UploadOptions limits, CancellationToken cancellationToken)
    {
        var files = new List<UploadedFile>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var mode = CorpusUploadMode.Add;
        long total = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) || StringSegment.IsNullOrEmpty(disposition.Name))
                throw CorpusUploadException.Invalid("Every part must be form-data with a name (Content-Disposition: form-data; name=...).");
            // ASP.NET's parser accepts a parameter without "=value" but throws when a valueless filename* is read.
            if (disposition.Parameters.FirstOrDefault(p => p.Value.Value is null) is { } valueless)
                throw CorpusUploadException.Invalid($"Content-Disposition's parameter '{valueless.Name}' has no value (write {valueless.Name}=\"...\").");
            if (!disposition.IsFileDisposition())
            {
                mode = await ReadModeAsync(disposition, section, cancellationToken);
                continue;
            }
            var name = FileName(disposition);
            if (!names.Add(name)) throw CorpusUploadException.Invalid($"{name}: the upload holds two files of this name.", name);
            if (files.Count == limits.MaxFiles) throw CorpusUploadException.TooLarge($"At most {limits.MaxFiles} files may be uploaded at once (Uploads:MaxFiles).", name);
            var kind = CorpusFileTypes.KindOf(name)
                ?? throw CorpusUploadException.UnsupportedType($"{name}: files of type '{Path.GetExtension(name)}' are not accepted (accepted: {string.Join(", ", CorpusFileTypes.Accepted)}).", name);
            var content = await ReadLimitedAsync(section.Body, limits.MaxBytes - total, cancellationToken)
                ?? throw CorpusUploadException.TooLarge($"{name}: the upload exceeds {limits.MaxBytes} bytes of files (Uploads:MaxBytes).", name);
            total += content.Length;
            files.Add(CorpusFileCheck.Check(name, kind, content));
        }
        if (files.Count == 0) throw CorpusUploadException.Invalid("The upload holds no files: send one or more .md, .txt, .html or .jsonl files as multipart/form-data.");
        return new CorpusUpload(files, mode);
    }

    static async Task<CorpusUploadMode> ReadModeAsync(ContentDispositionHeaderValue disposition, MultipartSection section, CancellationToken cancellationToken)
    {
        var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
        if (!string.Equals(field, ModeField, StringComparison.Ordinal))
            throw CorpusUploadException.Invalid($"Unknown form field \"{field}\": send files, and optionally \"{ModeField}\" (add or replace).");
        var bytes = await ReadLimitedAsync(section.Body, 64, cancellationToken) ?? throw CorpusUploadException.Invalid($"\"{ModeField}\" must be \"add\" or \"replace\".");
        var value = System.Text.Encoding.UTF8.GetString(bytes).Trim();
        return value.ToLowerInvariant() switch
        {
            "add" or "" => CorpusUploadMode.Add,
            "replace" => CorpusUploadMode.Replace,
            _ => throw CorpusUploadException.Invalid($"\"{ModeField}\" must be \"add\" or \"replace\" (got \"{value}\")."),
        };
    }

    /// <summary>The file name without any folders, refused when it could not be stored safely as it is.</summary>
    static string FileName(ContentDispositionHeaderValue disposition)
    {
        var raw = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        var name = (raw ?? "").Split('/', '\\')[^1].Trim();
        var safe = name.Length is > 0 and <= MaxNameLength && name[0] != '.' && name.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or '(' or ')' or '+');
        return safe ? name : throw CorpusUploadException.Invalid(
            $"\"{raw}\": a file name must be 1 to {MaxNameLength} letters, digits, spaces or -_.()+ and must not start with '.'.", raw);
    }

    /// <summary>The section's bytes, or null as soon as they pass <paramref name="allowed"/> (the rest is not read).</summary>
    static async Task<byte[]?> ReadLimitedAsync(Stream body, long allowed, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > allowed) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
