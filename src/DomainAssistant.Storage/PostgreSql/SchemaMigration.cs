namespace DomainAssistant.Storage.PostgreSql;

/// <summary>One numbered step of a component's schema, applied once per database and never edited afterwards.</summary>
/// <param name="Version">1 for the first step, then 2, 3, ... in the order they are applied.</param>
/// <param name="Name">What the step does, recorded beside its version (e.g. "conversations and messages").</param>
/// <param name="Sql">The statements; they run inside the migration's transaction.</param>
public sealed record SchemaMigration(int Version, string Name, string Sql);
