// SQL of graph_subscriptions (migration 0009): one change-notification subscription per inbox and per
// Outlook calendar, with its secret clientState, expiry and lifecycle state.
import { sql, type Kysely } from 'kysely';
import type { Db } from './database.ts';

export interface GraphSubscriptionRow {
  id: number;
  kind: 'inbox' | 'calendar';
  target: string;
  mailbox: string;
  resource: string;
  subscription_id: string | null;
  client_state: string;
  expires_at: Date | null;
  status: 'pending' | 'active' | 'failed' | 'removed';
  notifications: number;
  rejected: number;
  last_notification_at: Date | null;
  last_lifecycle_event: string | null;
  last_lifecycle_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface Subscription {
  id: number;
  kind: 'inbox' | 'calendar';
  target: string;
  mailbox: string;
  resource: string;
  subscriptionId: string | null;
  clientState: string;
  expiresAt: Date | null;
  status: GraphSubscriptionRow['status'];
  notifications: number;
  rejected: number;
  lastNotificationAt: Date | null;
  lastLifecycleEvent: string | null;
  lastLifecycleAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

interface Tables {
  graph_subscriptions: Omit<GraphSubscriptionRow, 'id' | 'created_at' | 'updated_at'> & { id: import('kysely').Generated<number>; created_at: import('kysely').Generated<Date>; updated_at: import('kysely').Generated<Date> };
}
// The table's row type lives here rather than in schema.ts, which several flows edit at once.
const t = (db: Db) => db as unknown as Kysely<Tables>;

const toSubscription = (r: GraphSubscriptionRow): Subscription => ({
  id: Number(r.id),
  kind: r.kind,
  target: r.target,
  mailbox: r.mailbox,
  resource: r.resource,
  subscriptionId: r.subscription_id,
  clientState: r.client_state,
  expiresAt: r.expires_at,
  status: r.status,
  notifications: r.notifications,
  rejected: r.rejected,
  lastNotificationAt: r.last_notification_at,
  lastLifecycleEvent: r.last_lifecycle_event,
  lastLifecycleAt: r.last_lifecycle_at,
  lastError: r.last_error,
  lastErrorAt: r.last_error_at,
});

export async function selectSubscriptions(db: Db): Promise<Subscription[]> {
  const rows = await t(db).selectFrom('graph_subscriptions').selectAll().orderBy('kind').orderBy('target').execute();
  return (rows as GraphSubscriptionRow[]).map(toSubscription);
}

export async function selectBySubscriptionIds(db: Db, ids: string[]): Promise<Subscription[]> {
  if (ids.length === 0) return [];
  const rows = await t(db).selectFrom('graph_subscriptions').selectAll().where('subscription_id', 'in', ids).execute();
  return (rows as GraphSubscriptionRow[]).map(toSubscription);
}

export async function selectSubscription(db: Db, id: number): Promise<Subscription | undefined> {
  const row = await t(db).selectFrom('graph_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSubscription(row as GraphSubscriptionRow) : undefined;
}

/** The row for an inbox or calendar, made (pending, with this clientState) when missing. */
export async function ensureSubscriptionRow(db: Db, s: { kind: Subscription['kind']; target: string; mailbox: string; resource: string; clientState: string }): Promise<Subscription> {
  await t(db)
    .insertInto('graph_subscriptions')
    .values({ kind: s.kind, target: s.target, mailbox: s.mailbox, resource: s.resource, client_state: s.clientState, subscription_id: null, expires_at: null, status: 'pending', notifications: 0, rejected: 0, last_notification_at: null, last_lifecycle_event: null, last_lifecycle_at: null, last_error: null, last_error_at: null })
    .onConflict((oc) => oc.columns(['kind', 'target']).doNothing())
    .execute();
  const row = await t(db).selectFrom('graph_subscriptions').selectAll().where('kind', '=', s.kind).where('target', '=', s.target).executeTakeFirstOrThrow();
  return toSubscription(row as GraphSubscriptionRow);
}

export async function saveActive(db: Db, id: number, f: { subscriptionId: string; expiresAt: Date; clientState?: string; resource?: string; mailbox?: string }): Promise<void> {
  await t(db)
    .updateTable('graph_subscriptions')
    .set({
      subscription_id: f.subscriptionId,
      expires_at: f.expiresAt,
      status: 'active',
      last_error: null,
      ...(f.clientState ? { client_state: f.clientState } : {}),
      ...(f.resource ? { resource: f.resource } : {}),
      ...(f.mailbox ? { mailbox: f.mailbox } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function saveStatus(db: Db, id: number, status: Subscription['status'], error?: string): Promise<void> {
  await t(db)
    .updateTable('graph_subscriptions')
    .set({ status, ...(error ? { last_error: error.slice(0, 1000), last_error_at: sql`now()` } : {}), ...(status === 'removed' ? { subscription_id: null } : {}), updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function recordLifecycle(db: Db, id: number, event: string): Promise<void> {
  await t(db).updateTable('graph_subscriptions').set({ last_lifecycle_event: event, last_lifecycle_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', id).execute();
}

export async function countNotifications(db: Db, id: number, accepted: number, rejected: number): Promise<void> {
  await t(db)
    .updateTable('graph_subscriptions')
    .set((eb) => ({
      notifications: eb('notifications', '+', accepted),
      rejected: eb('rejected', '+', rejected),
      ...(accepted ? { last_notification_at: sql`now()` } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

export async function deleteSubscriptionRow(db: Db, id: number): Promise<void> {
  await t(db).deleteFrom('graph_subscriptions').where('id', '=', id).execute();
}
