using DomainAssistant.Api.Configuration;
using Microsoft.AspNetCore.Authorization;

namespace DomainAssistant.Api.Auth;

/// <summary>The authorization policies endpoints require, by role (each role includes the ones below it).</summary>
public static class Policies
{
    /// <summary>Chat, feedback and conversations: open, or any valid key when <c>Auth:ChatRequiresKey</c> is true.</summary>
    public const string Chat = "chat";

    /// <summary>Corpus upload and re-indexing: a domain-team or operator key.</summary>
    public const string DomainTeam = "domain-team";

    /// <summary>Admin endpoints: an operator key.</summary>
    public const string Operator = "operator";

    public static void Add(AuthorizationOptions authorization, AuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(auth);
        authorization.AddPolicy(Chat, policy =>
        {
            if (auth.ChatRequiresKey) policy.RequireRole(Roles.User);
            else policy.RequireAssertion(_ => true);
        });
        authorization.AddPolicy(DomainTeam, policy => policy.RequireRole(Roles.DomainTeam));
        authorization.AddPolicy(Operator, policy => policy.RequireRole(Roles.Operator));
    }
}
