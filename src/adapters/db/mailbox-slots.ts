// SQL of the cross-process Graph concurrency slots (graph_mailbox_slots, migration 0009): four rows per
// mailbox, each leased by one process for a short time. See src/adapters/graph/mailbox-slots.ts.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

export interface MailboxSlotRow {
  mailbox: string;
  slot: number;
  holder: string | null;
  lease_until: Date;
}

export interface SlotTables {
  graph_mailbox_slots: MailboxSlotRow;
}

export type SlotDb = Kysely<SlotTables>;

/**
 * A small pool of its own: a flow may hold a pooled connection in a transaction while it waits for a
 * Graph slot; if claiming a slot needed the same pool, a full pool would deadlock.
 */
export function createSlotDb(connectionString: string, poolSize = 2): { db: SlotDb; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'housing365-slots', connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {});
  const db = new Kysely<SlotTables>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}

export async function ensureSlotRows(db: SlotDb, mailbox: string, slots: number): Promise<void> {
  await sql`
    INSERT INTO graph_mailbox_slots (mailbox, slot)
    SELECT ${mailbox}, g FROM generate_series(0, ${slots - 1}::int) AS g
    ON CONFLICT DO NOTHING`.execute(db);
}

/** Leases one free (or expired) slot of the mailbox below `slots`; undefined when all are held. */
export async function claimSlot(db: SlotDb, mailbox: string, holder: string, slots: number, leaseMs: number): Promise<number | undefined> {
  const r = await sql<{ slot: number }>`
    UPDATE graph_mailbox_slots s SET holder = ${holder}, lease_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000})
    WHERE (s.mailbox, s.slot) = (
      SELECT mailbox, slot FROM graph_mailbox_slots
      WHERE mailbox = ${mailbox} AND slot < ${slots} AND lease_until < clock_timestamp()
      ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING s.slot`.execute(db);
  return r.rows[0]?.slot;
}

/** Extends every lease this process holds; returns the leases it no longer holds (taken after expiry). */
export async function renewSlots(db: SlotDb, holder: string, held: { mailbox: string; slot: number }[], leaseMs: number): Promise<{ mailbox: string; slot: number }[]> {
  if (held.length === 0) return [];
  const r = await sql<{ mailbox: string; slot: number }>`
    UPDATE graph_mailbox_slots SET lease_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000})
    WHERE holder = ${holder}
    RETURNING mailbox, slot`.execute(db);
  const kept = new Set(r.rows.map((x) => `${x.mailbox}\u0000${x.slot}`));
  return held.filter((h) => !kept.has(`${h.mailbox}\u0000${h.slot}`));
}

export async function releaseSlot(db: SlotDb, mailbox: string, slot: number, holder: string): Promise<void> {
  await sql`UPDATE graph_mailbox_slots SET holder = NULL, lease_until = '-infinity' WHERE mailbox = ${mailbox} AND slot = ${slot} AND holder = ${holder}`.execute(db);
}

export async function releaseAllSlots(db: SlotDb, holder: string): Promise<void> {
  await sql`UPDATE graph_mailbox_slots SET holder = NULL, lease_until = '-infinity' WHERE holder = ${holder}`.execute(db);
}

/** For the Integration page and tests: leases currently held per mailbox. */
export async function heldSlots(db: SlotDb, mailbox?: string): Promise<{ mailbox: string; slot: number; holder: string }[]> {
  const r = await sql<{ mailbox: string; slot: number; holder: string }>`
    SELECT mailbox, slot, holder FROM graph_mailbox_slots
    WHERE lease_until > clock_timestamp() AND holder IS NOT NULL ${mailbox ? sql`AND mailbox = ${mailbox}` : sql``}
    ORDER BY mailbox, slot`.execute(db);
  return r.rows;
}
