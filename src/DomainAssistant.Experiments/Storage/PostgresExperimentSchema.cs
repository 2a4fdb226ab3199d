using DomainAssistant.Storage.PostgreSql;

namespace DomainAssistant.Experiments.Storage;

/// <summary>
/// The experiments' tables in the scale-out mode's shared PostgreSQL database: those of <see cref="ExperimentSchema"/>
/// with native times, booleans and JSON, prefixed where a bare name (audit, ratings) could be another component's.
/// </summary>
public static class PostgresExperimentSchema
{
    public static ComponentSchema Schema { get; } = new("experiments", new SchemaMigration(1, "experiments, exposures, ratings and their audit log", """
        CREATE TABLE experiments (
            -- Creation order among experiments created at the same instant (SQLite's rowid).
            sequence BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            domain TEXT NOT NULL,
            control_adapter TEXT,
            treatment_adapter TEXT NOT NULL,
            treatment_percent DOUBLE PRECISION NOT NULL,
            ramp JSONB NOT NULL,
            guardrails JSONB NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'rolled_back', 'promoted')),
            seed TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            allocation_since TIMESTAMPTZ NOT NULL,
            evidence_p DOUBLE PRECISION NOT NULL DEFAULT 1,
            evidence_low DOUBLE PRECISION,
            evidence_high DOUBLE PRECISION);
        CREATE INDEX experiments_by_domain ON experiments (domain, created_at);
        -- Processes creating experiments at once each see no live one before they insert: the index is what refuses the second.
        CREATE UNIQUE INDEX experiments_one_live_per_domain ON experiments (domain) WHERE status IN ('running', 'paused');

        CREATE TABLE experiment_exposures (
            experiment_id TEXT NOT NULL REFERENCES experiments (id),
            message_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            variant TEXT NOT NULL,
            served_at TIMESTAMPTZ NOT NULL,
            latency_ms DOUBLE PRECISION,
            failed BOOLEAN NOT NULL,
            declined BOOLEAN NOT NULL,
            PRIMARY KEY (experiment_id, message_id));
        CREATE INDEX experiment_exposures_by_variant ON experiment_exposures (experiment_id, variant, served_at);
        CREATE INDEX experiment_exposures_by_latency ON experiment_exposures (experiment_id, variant, latency_ms) WHERE latency_ms IS NOT NULL;

        CREATE TABLE experiment_ratings (
            experiment_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            up BOOLEAN NOT NULL,
            rated_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (experiment_id, message_id),
            FOREIGN KEY (experiment_id, message_id) REFERENCES experiment_exposures (experiment_id, message_id));

        -- Before and after stay text: the settings exactly as they were serialised, not JSONB's normalised form.
        CREATE TABLE experiment_audit (
            sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments (id),
            actor TEXT NOT NULL,
            at TIMESTAMPTZ NOT NULL,
            action TEXT NOT NULL,
            before TEXT,
            after TEXT NOT NULL,
            reason TEXT);
        CREATE INDEX experiment_audit_by_experiment ON experiment_audit (experiment_id, sequence);
        -- The audit log is evidence: not even this code can rewrite it (TRUNCATE skips row triggers, hence the third).
        CREATE FUNCTION experiment_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only';
        END $$;
        CREATE TRIGGER experiment_audit_no_update BEFORE UPDATE ON experiment_audit FOR EACH ROW EXECUTE FUNCTION experiment_audit_append_only();
        CREATE TRIGGER experiment_audit_no_delete BEFORE DELETE ON experiment_audit FOR EACH ROW EXECUTE FUNCTION experiment_audit_append_only();
        CREATE TRIGGER experiment_audit_no_truncate BEFORE TRUNCATE ON experiment_audit FOR EACH STATEMENT EXECUTE FUNCTION experiment_audit_append_only();
        """));
}
