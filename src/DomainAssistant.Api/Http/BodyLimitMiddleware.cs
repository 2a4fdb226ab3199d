using Microsoft.AspNetCore.Http.Features;

namespace DomainAssistant.Api.Http;

/// <summary>
/// Enforces the endpoint's <see cref="BodyLimit"/> while the body is read, for every transfer encoding: a declared
/// Content-Length over the limit is refused before reading; a chunked (or lying) body is cut off at the limit by the
/// server's own counter where it has one (Kestrel) and by <see cref="LimitedReadStream"/> everywhere, so an endpoint
/// never holds more than the limit in memory. Both throw a 413 <see cref="BadHttpRequestException"/> that
/// <see cref="BodyReadFailures"/> answers.
/// </summary>
public static class BodyLimitMiddleware
{
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() ?? BodyLimit.Default;
            var request = context.Request;
            if (request.ContentLength > limit.MaxBytes)
                throw new BadHttpRequestException($"The request body is {request.ContentLength} bytes. {limit.TooLargeMessage}", StatusCodes.Status413PayloadTooLarge);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit.MaxBytes;
            request.Body = new LimitedReadStream(request.Body, limit);
            await next(context);
        });
}
