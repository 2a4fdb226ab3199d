namespace DomainAssistant.Api.Configuration;

/// <summary>Limits on corpus uploads by domain teams (section <c>Uploads</c>).</summary>
public sealed class UploadOptions : ISelfValidating
{
    public const string Section = "Uploads";

    /// <summary>Most bytes of file content in one upload (all files together); more is refused with 413. Default 5 MiB.</summary>
    public long MaxBytes { get; set; } = 5L * 1024 * 1024;

    /// <summary>Most files in one upload. Default 100.</summary>
    public int MaxFiles { get; set; } = 100;

    /// <summary>Most files one domain's corpus version may hold (carried over and uploaded together). Default 1000.</summary>
    public int MaxDomainFiles { get; set; } = 1000;

    /// <summary>Most bytes of corpus files stored for one domain, each distinct file counted once. Default 256 MiB.</summary>
    public long MaxDomainBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Room allowed on top of <see cref="MaxBytes"/> for the multipart framing (boundaries, part headers).</summary>
    public long MaxRequestBytes => MaxBytes + 64 * 1024 + MaxFiles * 1024L;

    public IEnumerable<string> Problems()
    {
        if (MaxBytes is < 1 or > 1L << 30) yield return $"Uploads:MaxBytes must be between 1 and 1073741824 (got {MaxBytes})";
        if (MaxFiles is < 1 or > 10_000) yield return $"Uploads:MaxFiles must be between 1 and 10000 (got {MaxFiles})";
        if (MaxDomainFiles is < 1 or > 1_000_000) yield return $"Uploads:MaxDomainFiles must be between 1 and 1000000 (got {MaxDomainFiles})";
        if (MaxDomainBytes < MaxBytes) yield return $"Uploads:MaxDomainBytes must be at least Uploads:MaxBytes ({MaxBytes}; got {MaxDomainBytes})";
    }
}
