import { sql, type Kysely } from 'kysely';

// The audit trail: who changed what, when, before → after. Append-only: no code path updates or
// deletes a row (an Ombudsman or subject-access request relies on it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_events (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text,
      summary text NOT NULL,
      before jsonb,
      after jsonb,
      source_ip text
    );
    CREATE INDEX audit_events_at_idx ON audit_events (at DESC, id DESC);
    CREATE INDEX audit_events_actor_idx ON audit_events (actor, at DESC);
    CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, at DESC);
  `.execute(db);
}
