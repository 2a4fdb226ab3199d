namespace DomainAssistant.Evaluation.Registry;

/// <summary>Why an adapter package was refused, as a kind a host can turn into a status code.</summary>
public enum AdapterRejection
{
    /// <summary>The body is not a zip archive at all.</summary>
    NotAZip,

    /// <summary>The archive expands past <see cref="AdapterLimits"/>.</summary>
    TooLarge,

    /// <summary>A zip, but not an acceptable adapter: path tricks, links, foreign files, non-LoRA tensors, wrong shapes.</summary>
    Invalid,
}

/// <summary>An adapter package refused; the message names what is wrong (the entry, the tensor, the shape).</summary>
public sealed class AdapterRejectedException : Exception
{
    public AdapterRejectedException(AdapterRejection rejection, string message, Exception? inner = null) : base(message, inner) => Rejection = rejection;

    public AdapterRejectedException() : this(AdapterRejection.Invalid, "the adapter was refused") { }

    public AdapterRejectedException(string message) : this(AdapterRejection.Invalid, message) { }

    public AdapterRejectedException(string message, Exception inner) : this(AdapterRejection.Invalid, message, inner) { }

    public AdapterRejection Rejection { get; }
}
