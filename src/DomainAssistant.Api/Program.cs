using DomainAssistant.Api.Admin;
using DomainAssistant.Api.Chat;
using DomainAssistant.Api.Corpora;
using DomainAssistant.Api.Domains;
using DomainAssistant.Api.Extensions;
using DomainAssistant.Api.Feedback;
using DomainAssistant.Api.Health;
using DomainAssistant.Api.Jobs;
using DomainAssistant.Api.OpenAi;
using DomainAssistant.Api.Operator;
using DomainAssistant.Api.Sources;
using DomainAssistant.Api.Web;
using DomainAssistant.Model.Threading;
using DomainAssistant.ServiceDefaults;

OpenMpWaitPolicy.UsePassiveUnlessSet(); // before anything loads libtorch: OpenMP threads sleep, not spin, when they wait
var builder = WebApplication.CreateBuilder(args);
builder.AddAssistantServices();

var app = builder.Build();
app.UseAssistantPipeline();
app.UseWebPages();

app.MapHealthApi();
app.MapAliveEndpoint();
app.MapChatApi();
app.MapOpenAiApi();
app.MapFeedbackApi();
app.MapDomainsApi();
app.MapCorporaApi();
app.MapJobsApi();
app.MapSourcesApi();
app.MapAdminApi();
app.MapOperatorApi();
app.MapAlignmentRunsApi();

app.Run();

/// <summary>The host's entry point (public so functional tests can start it through WebApplicationFactory).</summary>
public partial class Program;
