namespace DomainAssistant.Storage.Lineage;

/// <summary>The ledger holds no artifact with the id or checksum asked for.</summary>
public sealed class LineageNotFoundException : Exception
{
    public LineageNotFoundException() { }

    public LineageNotFoundException(string message) : base(message) { }

    public LineageNotFoundException(string message, Exception inner) : base(message, inner) { }
}
