import { sql, type Kysely } from 'kysely';

// Real time and scale (issue 8): Graph's per-mailbox concurrency slots shared by every process (a
// lease per slot), and one change-notification subscription per inbox and per Outlook calendar with
// its secret clientState and lifecycle state.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE graph_mailbox_slots (
      mailbox text NOT NULL CHECK (mailbox = lower(mailbox)),
      slot smallint NOT NULL,
      holder text,
      lease_until timestamptz NOT NULL DEFAULT '-infinity',
      PRIMARY KEY (mailbox, slot)
    );

    CREATE TABLE graph_subscriptions (
      id bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('inbox', 'calendar')),
      target text NOT NULL,
      mailbox text NOT NULL,
      resource text NOT NULL,
      subscription_id text UNIQUE,
      client_state text NOT NULL,
      expires_at timestamptz,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'failed', 'removed')),
      notifications integer NOT NULL DEFAULT 0,
      rejected integer NOT NULL DEFAULT 0,
      last_notification_at timestamptz,
      last_lifecycle_event text,
      last_lifecycle_at timestamptz,
      last_error text,
      last_error_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (kind, target)
    );
  `.execute(db);
}
