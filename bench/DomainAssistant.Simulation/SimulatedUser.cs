namespace DomainAssistant.Simulation;

/// <summary>One simulated user: a sticky id (experiments assign variants by it) and how often they rate.</summary>
/// <param name="Id">Sent as <c>X-User-Id</c> on <c>/api/chat</c> and feedback, and as the OpenAI <c>user</c> field.</param>
/// <param name="ResponseRate">Probability that this user rates an answer at all.</param>
public sealed record SimulatedUser(string Id, double ResponseRate);
