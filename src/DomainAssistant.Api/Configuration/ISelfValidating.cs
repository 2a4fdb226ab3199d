namespace DomainAssistant.Api.Configuration;

/// <summary>Options that can say what is wrong with them, naming each configuration key.</summary>
public interface ISelfValidating
{
    /// <summary>Every setting that cannot work, in words, each naming its key; empty when all is well.</summary>
    IEnumerable<string> Problems();
}
