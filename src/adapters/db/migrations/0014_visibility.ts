import { sql, type Kysely } from 'kysely';

// Visibility is one policy (issue 13 §2, docs/security-visibility.md): every row that shows a task's
// content says which task it belongs to, so the one SQL rule of adapters/db/visibility.ts can filter
// it. Until now a reply in the outbox only named its task in free text (source_ref 'task-N'), and an
// audit event only through entity_type/entity_id, so the outbox and the audit trail showed restricted
// cases to everyone. Existing rows are linked from those texts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE email_outbox ADD COLUMN task_id bigint REFERENCES tm_tasks(id);
    UPDATE email_outbox e SET task_id = t.id
      FROM tm_tasks t
     WHERE e.source = 'task-manager' AND e.source_ref ~ '^task-[0-9]{1,18}$' AND t.id = substring(e.source_ref FROM 6)::bigint;
    CREATE INDEX email_outbox_task_idx ON email_outbox (task_id) WHERE task_id IS NOT NULL;

    ALTER TABLE audit_events ADD COLUMN task_id bigint;
    UPDATE audit_events a SET task_id = t.id
      FROM tm_tasks t
     WHERE a.entity_type = 'task' AND a.entity_id ~ '^[0-9]{1,18}$' AND t.id = a.entity_id::bigint;
    UPDATE audit_events a SET task_id = e.task_id
      FROM email_outbox e
     WHERE a.entity_type = 'email_outbox' AND e.task_id IS NOT NULL AND a.entity_id = e.id::text;
    CREATE INDEX audit_events_task_idx ON audit_events (task_id) WHERE task_id IS NOT NULL;
  `.execute(db);
}
