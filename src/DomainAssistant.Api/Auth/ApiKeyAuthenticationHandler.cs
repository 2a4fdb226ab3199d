using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using DomainAssistant.Api.Configuration;
using DomainAssistant.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DomainAssistant.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c> against <c>Auth:Keys</c>. No key: anonymous
/// (open endpoints stay open). An unknown key: a failure, which <see cref="UnknownKeyRejection"/> turns into 401 on
/// every endpoint. Challenges and refusals answer with problem details.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AuthOptions auth, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyHeader = "X-Api-Key";

    // SHA-256 of each key (configured as the key or as its digest), so lookups compare fixed-length digests in constant time.
    readonly (byte[] Digest, ApiKeyEntry Entry)[] _keys = [.. auth.Keys.Select(k => (k.Digest(), k))];

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());
        var digest = ApiKeyDigest.Bytes(presented);
        ApiKeyEntry? match = null;
        foreach (var (known, entry) in _keys)
            if (CryptographicOperations.FixedTimeEquals(known, digest)) match = entry;
        if (match is null) return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        if (match.ExpiresAt is { } end && clock.GetUtcNow() >= end)
            return Task.FromResult(AuthenticateResult.Fail($"The API key expired at {end.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: use the key that replaced it."));
        var claims = new List<Claim> { new(ClaimTypes.Name, match.Name) };
        claims.AddRange(Roles.Granted(match.Role).Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = result.Failure is not null
            ? result.Failure.Message
            : $"This endpoint needs an API key: send it as 'Authorization: Bearer KEY' or '{KeyHeader}: KEY'.";
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: "This API key's role may not use this endpoint.").ExecuteAsync(Context);

    static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        var apiKey = request.Headers[KeyHeader].ToString().Trim();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
