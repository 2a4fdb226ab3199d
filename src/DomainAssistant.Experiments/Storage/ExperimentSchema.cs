namespace DomainAssistant.Experiments.Storage;

/// <summary>
/// The tables of the experiments file, as numbered migrations: migration i takes user_version i to i + 1. A release
/// that changes the schema appends one; files written by older releases are brought forward on open.
/// </summary>
static class ExperimentSchema
{
    public static int Version => Migrations.Count;

    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE experiments (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            domain TEXT NOT NULL,
            control_adapter TEXT,
            treatment_adapter TEXT NOT NULL,
            treatment_percent REAL NOT NULL,
            ramp TEXT NOT NULL,
            guardrails TEXT NOT NULL,
            status TEXT NOT NULL,
            seed TEXT NOT NULL,
            created_at TEXT NOT NULL,
            allocation_since TEXT NOT NULL,
            evidence_p REAL NOT NULL DEFAULT 1,
            evidence_low REAL,
            evidence_high REAL);
        CREATE INDEX experiments_by_domain ON experiments (domain, created_at);

        CREATE TABLE exposures (
            experiment_id TEXT NOT NULL REFERENCES experiments (id),
            message_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            variant TEXT NOT NULL,
            served_at TEXT NOT NULL,
            latency_ms REAL,
            failed INTEGER NOT NULL,
            declined INTEGER NOT NULL,
            PRIMARY KEY (experiment_id, message_id));
        CREATE INDEX exposures_by_variant ON exposures (experiment_id, variant, served_at);
        CREATE INDEX exposures_by_latency ON exposures (experiment_id, variant, latency_ms) WHERE latency_ms IS NOT NULL;

        CREATE TABLE ratings (
            experiment_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            up INTEGER NOT NULL,
            rated_at TEXT NOT NULL,
            PRIMARY KEY (experiment_id, message_id),
            FOREIGN KEY (experiment_id, message_id) REFERENCES exposures (experiment_id, message_id));

        CREATE TABLE audit (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            experiment_id TEXT NOT NULL REFERENCES experiments (id),
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            before TEXT,
            after TEXT NOT NULL,
            reason TEXT);
        CREATE INDEX audit_by_experiment ON audit (experiment_id, sequence);
        -- The audit log is evidence: not even this code can rewrite it.
        CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """,
    ];
}
