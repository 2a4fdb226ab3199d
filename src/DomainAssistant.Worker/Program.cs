using DomainAssistant.Model.Threading;
using DomainAssistant.Worker.Extensions;

OpenMpWaitPolicy.UsePassiveUnlessSet(); // before anything loads libtorch: OpenMP threads sleep, not spin, when they wait
var builder = WebApplication.CreateBuilder(args);
builder.AddWorkerServices();

var app = builder.Build();
app.MapWorkerHealth();

app.Run();

/// <summary>The worker's entry point (public so tests can start it through WebApplicationFactory).</summary>
public partial class Program;
