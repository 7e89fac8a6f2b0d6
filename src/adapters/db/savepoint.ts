import { sql } from 'kysely';
import type { Db } from './database.ts';

/**
 * Runs `fn` inside a savepoint of the caller's transaction: when it throws, only its own writes are
 * rolled back and the transaction goes on (PostgreSQL aborts the whole transaction on an error
 * otherwise). The error is returned, not thrown, for the caller to record.
 */
export async function inSavepoint<T>(trx: Db, name: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad savepoint name ${name}`);
  await sql.raw(`SAVEPOINT ${name}`).execute(trx);
  try {
    const value = await fn();
    await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql.raw(`ROLLBACK TO SAVEPOINT ${name}`).execute(trx);
    return { ok: false, error };
  }
}
