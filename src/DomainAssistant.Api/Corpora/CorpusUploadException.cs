namespace DomainAssistant.Api.Corpora;

/// <summary>
/// An upload refused as a whole: the HTTP status to answer (400, 413, 415), what was wrong, and where (file and,
/// for text problems, the 1-based line). Nothing of a refused upload is stored.
/// </summary>
public sealed class CorpusUploadException(int status, string title, string detail, string? file = null, int? line = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? File { get; } = file;
    public int? Line { get; } = line;

    public static CorpusUploadException Invalid(string detail, string? file = null, int? line = null) =>
        new(StatusCodes.Status400BadRequest, "Invalid upload", detail, file, line);

    public static CorpusUploadException TooLarge(string detail, string? file = null) =>
        new(StatusCodes.Status413PayloadTooLarge, "Upload too large", detail, file);

    public static CorpusUploadException UnsupportedType(string detail, string? file = null) =>
        new(StatusCodes.Status415UnsupportedMediaType, "Unsupported file type", detail, file);

    /// <summary>The problem details response, with <c>file</c> and <c>line</c> as extensions when known.</summary>
    public IResult ToProblem()
    {
        var extensions = new Dictionary<string, object?>();
        if (File is not null) extensions["file"] = File;
        if (Line is not null) extensions["line"] = Line;
        return Results.Problem(statusCode: Status, title: Title, detail: Message, extensions: extensions);
    }
}
