using System.Globalization;
using System.Threading.RateLimiting;
using DomainAssistant.Api.Configuration;
using Microsoft.AspNetCore.RateLimiting;

namespace DomainAssistant.Api.Http;

/// <summary>
/// ASP.NET Core's rate limiter over the <see cref="RateLimitOptions"/>: each POST under <c>/api</c> and <c>/v1</c>
/// takes a token from its user's bucket and from its client's (<see cref="CallerPartition"/>); chat requests also hold
/// one of the user's stream slots until the answer has finished streaming. Reads (GET) are not limited: they are cheap
/// and the pages poll them. A refusal is a 429 problem with <c>Retry-After</c>.
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddAssistantRateLimits(this IServiceCollection services, RateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        services.AddSingleton(limits);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Bucket(CallerPartition.User, limits.UserBurst, limits.UserPerMinute),
                Bucket(CallerPartition.Client, limits.ClientBurst, limits.ClientPerMinute),
                ChatStreams(limits.ChatStreamsPerUser));
            options.OnRejected = RejectAsync;
        });
    }

    static bool Costs(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && (request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/v1"));

    static bool IsChat(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && (request.Path.Equals("/api/chat") || request.Path.Equals("/v1/chat/completions"));

    static PartitionedRateLimiter<HttpContext> Bucket(Func<HttpContext, string> partition, int burst, int perMinute) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => Costs(context.Request)
            ? RateLimitPartition.GetTokenBucketLimiter(partition(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                QueueLimit = 0, // refuse at once: a queued request would hold its connection and memory while it waits
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(""));

    static PartitionedRateLimiter<HttpContext> ChatStreams(int perUser) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => IsChat(context.Request)
            ? RateLimitPartition.GetConcurrencyLimiter(CallerPartition.User(context), _ => new ConcurrencyLimiterOptions { PermitLimit = perUser, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(""));

    static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        // A spent bucket knows when its next token comes; a full set of stream slots frees up when an answer ends.
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var detail = IsChat(context.Request)
            ? $"Too many requests: the rate limit, or the chat answers one user may stream at once, is reached (section {RateLimitOptions.Section}). Retry after {retryAfter} s."
            : $"Too many requests: the rate limit is reached (section {RateLimitOptions.Section}). Retry after {retryAfter} s.";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }
}
