namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>A chat template that cannot be parsed or rendered: a construct outside the supported subset, or a runtime error.</summary>
public class JinjaException(string message) : Exception(message);

/// <summary>The template itself called raise_exception (a conversation the model was not trained for, such as two user turns in a row).</summary>
public sealed class JinjaRaisedException(string message) : JinjaException(message);
