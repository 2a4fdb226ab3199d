using System.Security.Claims;

namespace DomainAssistant.Api.Auth;

/// <summary>
/// Who a request comes from, for sticky flag variants and conversation ownership: the API key's name when a key was
/// sent, else the <c>X-User-Id</c> header (the web page sends a stable id it keeps), else nothing.
/// </summary>
public static class CallerIdentity
{
    public const string UserIdHeader = "X-User-Id";

    /// <summary>Longest user id taken from the header.</summary>
    public const int MaxLength = 128;

    /// <summary>The caller's user id, or null when the request carries none.</summary>
    public static string? UserId(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue(ClaimTypes.Name) is { } keyName)
            return $"key:{keyName}";
        var header = context.Request.Headers[UserIdHeader].ToString().Trim();
        return header.Length is > 0 and <= MaxLength ? header : null;
    }
}
