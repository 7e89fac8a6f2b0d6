import { sql, type RawBuilder } from 'kysely';
import type { Db } from './database.ts';

/**
 * Runs `fn` on one pooled connection while it holds the PostgreSQL session advisory lock `key` (a
 * `sql` fragment of one bigint or two ints, e.g. `hashtext('inbox_sync'), hashtext(code)`), then
 * unlocks. The lock is per connection, so it is released too if the process dies mid-run — unlike a
 * lease row. Returns `{ locked: false }` at once when another session holds it. `fn` gets the locking
 * connection to work on (or may use the pool; the lock only needs the connection kept).
 */
export async function withSessionLock<T>(db: Db, key: RawBuilder<unknown>, fn: (conn: Db) => Promise<T>): Promise<{ locked: true; value: T } | { locked: false }> {
  return db.connection().execute(async (conn) => {
    const got = (await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${key}) AS ok`.execute(conn)).rows[0].ok;
    if (!got) return { locked: false as const };
    try {
      return { locked: true as const, value: await fn(conn) };
    } finally {
      await sql`SELECT pg_advisory_unlock(${key})`.execute(conn).catch(() => {});
    }
  });
}

/** The lock key for a named lock: one bigint from the name's hash (e.g. `lockKey('subscriptions_tick')`). */
export function lockKey(name: string): RawBuilder<unknown> {
  return sql`hashtext(${name})`;
}

/** The lock key for one thing of a named kind: two ints (`hashtext(name)`, `id`), e.g. one event query. */
export function lockKeyFor(name: string, id: number): RawBuilder<unknown> {
  return sql`hashtext(${name}), ${id}`;
}
