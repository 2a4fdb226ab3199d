using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DomainAssistant.ServiceDefaults;

/// <summary>
/// Logs, metrics and traces through OpenTelemetry: ASP.NET Core requests, the .NET runtime, MassTransit's sends and
/// consumes, and our own <see cref="AssistantTelemetry"/> spans and meters. Nothing leaves the process unless
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector (the OpenTelemetry convention; then OTLP carries all three).
/// </summary>
public static class Telemetry
{
    /// <summary>The ActivitySource and Meter MassTransit 8 writes to (its default instrumentation name).</summary>
    public const string MassTransitName = "MassTransit";

    public static TBuilder AddAssistantTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(MassTransitName)
                .AddMeter($"{AssistantTelemetry.Name}.*"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(MassTransitName)
                .AddSource(AssistantTelemetry.Name));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        return builder;
    }
}
