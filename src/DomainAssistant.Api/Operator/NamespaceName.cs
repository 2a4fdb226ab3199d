using System.Diagnostics.CodeAnalysis;

// "Operator" is the role these endpoints serve (Policies.Operator) and the folder's name; it is a keyword only in
// Visual Basic, and this host is consumed by nothing but its own tests.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace", Target = "~N:DomainAssistant.Api.Operator",
    Justification = "Named for the operator role; no Visual Basic consumers.")]
