using DomainAssistant.Api.Auth;
using DomainAssistant.Api.Chat;
using DomainAssistant.Api.Configuration;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Experiments;
using DomainAssistant.Api.Hosting;
using DomainAssistant.Api.Http;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Api.Operator;
using DomainAssistant.Api.Serving;
using DomainAssistant.Feedback;
using DomainAssistant.Jobs;
using DomainAssistant.Jobs.Bootstrap;
using DomainAssistant.Jobs.Corpora;
using DomainAssistant.Retrieval.Configuration;
using DomainAssistant.Retrieval.Ranking;
using DomainAssistant.ServiceDefaults;
using DomainAssistant.ServiceDefaults.Bus;
using DomainAssistant.Storage.Conversations;
using DomainAssistant.Storage.PostgreSql;
using MassTransit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.AI;
using Microsoft.FeatureManagement;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace DomainAssistant.Api.Extensions;

/// <summary>
/// The host's composition root: every option bound (and validated) by section name, every service registered, the
/// HTTP pipeline ordered. Program.cs calls <see cref="AddAssistantServices"/> and <see cref="UseAssistantPipeline"/>.
/// </summary>
public static class ServiceRegistration
{
    /// <exception cref="InvalidOperationException">A setting cannot work; the message names its key.</exception>
    public static WebApplicationBuilder AddAssistantServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        configuration.AddEmbeddedDefaults();
        var defaults = builder.AddServiceDefaults();
        var model = OptionsSection.Bind<ModelOptions>(configuration, ModelOptions.Section);
        var domains = OptionsSection.Bind<DomainsOptions>(configuration, DomainsOptions.Section);
        var auth = OptionsSection.Bind<AuthOptions>(configuration, AuthOptions.Section);
        builder.WebHost.BindLoopbackByDefault(configuration);

        var services = builder.Services;
        services.AddSingleton(model).AddSingleton(model.Bootstrap).AddSingleton(domains).AddSingleton(auth);
        services.AddSingleton(TimeProvider.System);
        services.AddRequestEdge(configuration);
        services.AddProblemDetails();
        AddAuth(services, auth);

        services.AddSingleton(DomainCatalog.Load(domains));
        services.AddRetrieval(configuration);
        // The host's retriever follows the serving embedding space (the model's once its vectors are complete).
        services.AddSingleton<ActiveRetrieval>();
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<ActiveRetrieval>());
        services.AddSingleton<EmbeddingSwitch>();
        services.AddSingleton<ServedEmbedders>();
        services.AddSingleton<IServedEmbedders>(sp => sp.GetRequiredService<ServedEmbedders>());
        AddBackground<CorpusIndex>(services);
        services.AddSingleton<IRetrievalWarmup>(sp => sp.GetRequiredService<CorpusIndex>());
        services.AddCorpusUploads(configuration);
        AddBus(services, configuration, defaults, model.Bootstrap);
        // The shared database is registered only in the scale-out mode (Storage:Database=PostgreSql).
        services.AddSingleton<IConversationStore>(sp => sp.GetService<PostgresDatabase>() is { } shared
            ? new PostgresConversationStore(shared)
            : new SqliteConversationStore(defaults.Storage.ConversationsDatabase));

        if (model.Path is null) services.AddSingleton<IModelSource, BootstrapModelSource>();
        else services.AddSingleton<IModelSource, ConfiguredModelSource>();
        AddBackground<ModelHost>(services);
        services.AddAssistantExperiments(configuration, defaults.Storage); // before AddChat's feature management: its flags come first
        AddChat(services);
        services.AddOperator(configuration);
        return builder;
    }

    /// <summary>
    /// Security headers, problem details for errors, body limits, then authentication (an unknown key is refused
    /// everywhere), rate limits, then authorization.
    /// </summary>
    public static WebApplication UseAssistantPipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseEdgeHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseEdgeLimits();
        app.UseAuthentication();
        app.UseUnknownKeyRejection();
        app.UseEdgeRateLimits();
        app.UseAuthorization();
        app.LogListeningUrls();
        return app;
    }

    static void AddAuth(IServiceCollection services, AuthOptions auth)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(authorization => Policies.Add(authorization, auth));
    }

    // Feedback is recorded here and jobs are started here; with Jobs:RunInProcess (the default) the job handlers
    // (feedback filing, corpus ingestion, re-embedding, the bootstrap, gates, alignment runs) run here too, else in
    // worker hosts.
    static void AddBus(IServiceCollection services, IConfiguration configuration, HostSettings defaults, BootstrapOptions bootstrap)
    {
        var feedback = FeedbackBusOptions.From(configuration);
        services.AddSingleton<JobReports>();
        services.AddAssistantBus(configuration, !defaults.Jobs.RunInProcess, bus =>
        {
            bus.AddConsumer<JobReportsConsumer, JobReportsConsumerDefinition>();
            bus.AddCorpusJobReports();
            bus.AddOperatorConsumers();
            bus.AddAlignmentRunReports(defaults.Storage);
            if (defaults.Jobs.RunInProcess) bus.AddJobHandlers(defaults, feedback, bootstrap);
        }, FeedbackBusOptions.Keys);
        services.AddFeedbackRecording(feedback, defaults.Storage.FeedbackDatabase);
    }

    // The chat path, and what we offer Semantic Kernel and Microsoft.Extensions.AI users: the local model as an
    // IChatClient and the kernel's chat service, retrieval as the kernel's plugin.
    static void AddChat(IServiceCollection services)
    {
        services.AddSingleton<LocalChatClient>();
        services.AddSingleton<IChatClient>(sp => sp.GetRequiredService<LocalChatClient>());
        services.AddSingleton<IChatCompletionService>(sp => sp.GetRequiredService<IChatClient>().AsChatCompletionService(sp));
        services.AddSingleton<RetrievalPlugin>();
        services.AddSingleton(sp => KernelPluginFactory.CreateFromObject(sp.GetRequiredService<RetrievalPlugin>(), RetrievalPlugin.PluginName));
        services.AddKernel();
        services.AddFeatureManagement();
        services.AddSingleton<AdapterSelector>();
        services.AddTransient<ChatPipeline>();
    }

    /// <summary>A singleton that is also a hosted service, so endpoints can ask it how it is doing.</summary>
    static void AddBackground<T>(IServiceCollection services) where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
    }
}
