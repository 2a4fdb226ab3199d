using System.Security.Claims;
using DomainAssistant.Api.Auth;

namespace DomainAssistant.Api.Http;

/// <summary>
/// Whose budget a request spends. The user is the <c>X-User-Id</c> header, else the API key, else the IP address; the
/// client is the API key, else the IP address, so a caller that invents a new <c>X-User-Id</c> for every request still
/// spends its key's (or its address's) budget.
/// </summary>
public static class CallerPartition
{
    public static string User(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers[CallerIdentity.UserIdHeader].ToString().Trim();
        return header.Length is > 0 and <= CallerIdentity.MaxLength ? "user:" + header : Client(context);
    }

    public static string Client(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue(ClaimTypes.Name) is { } keyName) return "key:" + keyName;
        return "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
