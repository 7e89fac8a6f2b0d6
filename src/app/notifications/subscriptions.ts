// Keeping one Graph change-notification subscription per active inbox and per mapped Outlook calendar
// (DESIGN.md "Notifications are triggers, polling is the floor"): created when missing, renewed well
// before expiry, re-created when Graph removed it, deleted when the inbox or calendar is no longer
// read. Runs from the subscriptions tick (every minute) and after lifecycle events. Nothing happens
// unless PUBLIC_BASE_URL is an https URL Graph can reach (or an http loopback URL, for the emulator) —
// or, in demo mode without PUBLIC_BASE_URL, the local web server's loopback address (the embedded
// emulator accepts http there), so a laptop demo is real time too.
import { randomBytes } from 'node:crypto';
import { lockKey, withSessionLock } from '../../adapters/db/session-lock.ts';
import { ensureSubscriptionRow, saveActive, saveStatus, selectSubscriptions, deleteSubscriptionRow, type Subscription } from '../../adapters/db/subscriptions.ts';
import { selectMappedCalendars } from '../../adapters/db/calendar-sync.ts';
import { configuredInboxes } from '../inbound/poll-inboxes.ts';
import { getIntegrationStatus } from '../integration.ts';
import type { AppContext } from '../context.ts';
import type { SubscriptionGateway } from './ports.ts';

/** Outlook messages and events allow 10,080 minutes; two days leaves a day of renewal attempts. */
export const SUBSCRIPTION_LIFETIME_MS = 2 * 24 * 60 * 60_000;
/** Renewed when less than this is left. */
export const RENEW_BEFORE_MS = 24 * 60 * 60_000;

export const WEBHOOK_PATH = '/webhooks/graph';
export const LIFECYCLE_PATH = '/webhooks/graph/lifecycle';

/**
 * Where Graph should POST, or why notifications are off. Graph requires https; the emulator also accepts
 * http on loopback, which is how the tests and a laptop demo use it. In demo mode with no
 * PUBLIC_BASE_URL, the embedded emulator notifies the local web server directly.
 */
export function notificationUrls(ctx: AppContext): { notificationUrl: string; lifecycleNotificationUrl: string } | { off: string } {
  const demo = ctx.integration?.mode === 'demo';
  const base = ctx.config.publicBaseUrl ?? (demo ? ctx.demoWebBase?.() : undefined);
  if (!base) return { off: demo ? 'demo mode: the web server is not listening yet: polling only' : 'PUBLIC_BASE_URL is not set: polling only' };
  const u = new URL(base);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(loopback && ctx.integration?.mode !== 'tenant')) return { off: 'PUBLIC_BASE_URL is not https: Graph only notifies https URLs; polling only' };
  const root = base.replace(/\/+$/, '');
  return { notificationUrl: `${root}${WEBHOOK_PATH}`, lifecycleNotificationUrl: `${root}${LIFECYCLE_PATH}` };
}

export interface Target {
  kind: Subscription['kind'];
  target: string;
  mailbox: string;
  resource: string;
  changeType: string;
}

/** The inboxes and calendars whose flow may run now: what should have a subscription. */
export async function wantedTargets(ctx: AppContext): Promise<Target[]> {
  const status = await getIntegrationStatus(ctx);
  const running = (flow: string) => status.flows.find((f) => f.flow === flow)?.running ?? false;
  const out: Target[] = [];
  if (running('emailIn')) {
    for (const i of (await configuredInboxes(ctx)).inboxes) {
      out.push({ kind: 'inbox', target: i.code, mailbox: i.mailbox.toLowerCase(), resource: `users/${i.mailbox}/mailFolders('inbox')/messages`, changeType: 'created' });
    }
  }
  if (running('apptIn')) {
    for (const c of await selectMappedCalendars(ctx.db)) {
      out.push({ kind: 'calendar', target: c.calendar, mailbox: c.calendar, resource: `users/${c.calendar}/events`, changeType: 'created,updated,deleted' });
    }
  }
  return out;
}

export const newClientState = () => randomBytes(24).toString('base64url');

export interface SubscriptionRound {
  off?: string;
  created: number;
  renewed: number;
  removed: number;
  failed: number;
}

/**
 * One tick across all workers: the tick is the only place that creates subscriptions, so it runs under a
 * session advisory lock (gone with its process) and two never race to create one for the same mailbox.
 * `{ locked: false }` when another worker is maintaining them right now.
 */
export async function maintainSubscriptionsExclusively(ctx: AppContext): Promise<{ locked: true; value: SubscriptionRound } | { locked: false }> {
  return withSessionLock(ctx.db, lockKey('subscriptions_tick'), () => maintainSubscriptions(ctx));
}

export async function maintainSubscriptions(ctx: AppContext, opts: { gateway?: SubscriptionGateway; only?: number } = {}): Promise<SubscriptionRound> {
  const round: SubscriptionRound = { created: 0, renewed: 0, removed: 0, failed: 0 };
  const gateway = opts.gateway ?? ctx.graph?.subscriptions;
  const urls = notificationUrls(ctx);
  if ('off' in urls) return { ...round, off: urls.off };
  if (!gateway) return { ...round, off: 'Microsoft Graph is not configured' };
  const wanted = await wantedTargets(ctx);
  const key = (k: string, t: string) => `${k}\u0000${t}`;
  const wantedKeys = new Map(wanted.map((w) => [key(w.kind, w.target), w]));
  const now = ctx.now().getTime();

  for (const row of await selectSubscriptions(ctx.db)) {
    if (opts.only !== undefined && row.id !== opts.only) continue;
    if (wantedKeys.has(key(row.kind, row.target))) continue;
    // No longer read (inbox deactivated, flow switched off): stop Graph notifying us.
    if (row.subscriptionId) await gateway.remove(row.subscriptionId, row.mailbox).catch((err) => ctx.logger.warn({ err, target: row.target }, 'deleting a subscription failed'));
    await deleteSubscriptionRow(ctx.db, row.id);
    round.removed++;
  }

  for (const w of wanted) {
    const row = await ensureSubscriptionRow(ctx.db, { ...w, clientState: newClientState() });
    if (opts.only !== undefined && row.id !== opts.only) continue;
    try {
      const expiresAt = new Date(now + SUBSCRIPTION_LIFETIME_MS);
      if (row.subscriptionId && row.status === 'active' && row.expiresAt && row.expiresAt.getTime() > now) {
        if (row.expiresAt.getTime() - now > RENEW_BEFORE_MS) continue;
        const renewed = await gateway.renew(row.subscriptionId, expiresAt, row.mailbox);
        if (renewed) {
          await saveActive(ctx.db, row.id, { subscriptionId: renewed.id, expiresAt: renewed.expiresAt });
          round.renewed++;
          continue;
        }
        // Gone on Graph's side (expired or removed without a lifecycle notice): make a new one.
      }
      // A fresh secret with every new subscription: a leaked old one is worthless.
      const clientState = newClientState();
      const made = await gateway.create({ resource: w.resource, changeType: w.changeType, ...urls, clientState, expiresAt }, w.mailbox);
      await saveActive(ctx.db, row.id, { subscriptionId: made.id, expiresAt: made.expiresAt, clientState, resource: w.resource, mailbox: w.mailbox });
      round.created++;
    } catch (err) {
      round.failed++;
      await saveStatus(ctx.db, row.id, 'failed', (err as Error).message);
      ctx.logger.warn({ err, target: w.target }, 'subscription could not be created or renewed');
    }
  }
  return round;
}

export const listSubscriptions = (ctx: AppContext) => selectSubscriptions(ctx.db);
