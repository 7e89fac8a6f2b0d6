import { sql } from 'kysely';
import type { Db } from './database.ts';

// The poll scheduler's record (src/transport/jobs/poll-scheduler.ts): when a job process last checked
// what is due, and which flows were running then — one row for the whole cluster, so a switch turned
// back on is noticed once, by whichever process ticks next, and status commands (which have no Graph
// connection of their own) can tell whether anything is polling at all.

const KEY = 'poll_scheduler';

export type FlowsRunning = Record<'emailOut' | 'emailIn' | 'apptOut' | 'apptIn', boolean>;

export interface SchedulerRecord {
  lastTickAt: Date | null;
  flows: FlowsRunning | null;
}

export async function readSchedulerRecord(db: Db): Promise<SchedulerRecord> {
  const r = await db.selectFrom('app_settings').select(['value', 'updated_at']).where('key', '=', KEY).executeTakeFirst();
  if (!r) return { lastTickAt: null, flows: null };
  try {
    const v = JSON.parse(r.value ?? '{}') as { flows?: FlowsRunning };
    return { lastTickAt: r.updated_at, flows: v.flows ?? null };
  } catch {
    return { lastTickAt: r.updated_at, flows: null };
  }
}

export async function writeSchedulerRecord(db: Db, at: Date, flows: FlowsRunning): Promise<void> {
  const value = JSON.stringify({ flows });
  await db.insertInto('app_settings').values({ key: KEY, value, updated_at: at }).onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at })).execute();
}

/** One tick at a time across every process (a session lock: released if the process dies). */
export const schedulerLockKey = () => sql`hashtext('poll_scheduler'), 0`;
