// Metrics of Graph traffic, sync lag, queues and webhooks (issue 8), in the process's one registry
// (metrics.ts) so one scrape of /metrics sees them. The runtime wires the Graph transport's hooks here;
// gauges that need the database are refreshed by a collect() callback at scrape time.
import client from 'prom-client';
import type { AppContext } from '../../app/context.ts';
import { registry } from './metrics.ts';
import { readFailedJobs, readOutboxDepth, readSyncLag, recordMailboxStats, type MailboxDelta } from '../../app/observability.ts';

export const graphRequests = new client.Counter({
  name: 'housing365_graph_requests_total',
  help: 'Microsoft Graph request attempts by route pattern, method and status (0 = network error or time-out)',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});

export const graphThrottled = new client.Counter({
  name: 'housing365_graph_throttled_total',
  help: 'Graph responses 429 (and 503/504 with Retry-After) by route pattern',
  labelNames: ['route'] as const,
  registers: [registry],
});

export const graphRetryWait = new client.Counter({
  name: 'housing365_graph_retry_wait_seconds_total',
  help: 'Time spent waiting before Graph retries (Retry-After and backoff)',
  registers: [registry],
});

export const webhookLatency = new client.Histogram({
  name: 'housing365_webhook_duration_seconds',
  help: 'Time from a change notification POST arriving to its 202 (Graph allows 3 s)',
  labelNames: ['kind'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
  registers: [registry],
});

export const webhookNotifications = new client.Counter({
  name: 'housing365_webhook_notifications_total',
  help: 'Change and lifecycle notifications received, by outcome (accepted, rejected = clientState mismatch or unknown subscription)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

// The Graph path words a label may keep. Anything else in a path — an id, a mailbox, a folder's name
// (which an admin may have named after a case), a resident's address — becomes {id}: labels are
// scraped by anyone holding the metrics token, and must never carry a restricted case's subject or
// sender (issue 13 §2). An allowlist, so a new kind of segment is hidden until someone adds it here.
const GRAPH_PATH_WORDS = new Set([
  'users', 'me', 'messages', 'mailFolders', 'childFolders', 'delta', 'attachments', '$value', 'send', 'move', 'copy', 'createReply', 'createReplyAll', 'reply', 'replyAll', 'forward',
  'createUploadSession', 'events', 'calendar', 'calendars', 'calendarView', 'instances', 'subscriptions', 'reauthorize', '$batch', 'mailboxSettings', 'organization',
  'inbox', 'drafts', 'sentitems', 'deleteditems', 'junkemail', 'archive', 'outbox', 'v1.0', 'beta',
]);

/** `/users/asb@x/mailFolders/inbox/messages/delta?$deltatoken=…` → `/users/{user}/mailFolders/inbox/messages/delta`. */
export function graphRoute(url: string): string {
  let p: string;
  try {
    p = new URL(url).pathname;
  } catch {
    p = url.split('?')[0];
  }
  p = p.replace(/^\/(v1\.0|beta)(?=\/)/, '');
  const parts = p.split('/').map((seg, i, all) => {
    if (i > 0 && /^users$/i.test(all[i - 1])) return '{user}';
    if (seg === '' || GRAPH_PATH_WORDS.has(seg)) return seg;
    return '{id}';
  });
  return parts.join('/').replace(/\('.*?'\)/g, "('{id}')") || '/';
}

export function recordGraphResponse(info: { method: string; url: string; status: number }): void {
  const route = graphRoute(info.url);
  graphRequests.inc({ route, method: info.method, status: String(info.status) });
  if (info.status === 429) graphThrottled.inc({ route });
  const mailbox = mailboxOf(info.url);
  if (mailbox) {
    const d = pending.get(mailbox) ?? { mailbox, requests: 0, throttled: 0, failed: 0 };
    d.requests++;
    if (info.status === 429) {
      d.throttled++;
      d.lastThrottledAt = new Date();
    } else if (info.status === 0 || info.status >= 500) d.failed++;
    pending.set(mailbox, d);
  }
}

/** `…/users/ASB@x.org/…` → `asb@x.org`. */
export function mailboxOf(url: string): string | undefined {
  const m = /\/users\/([^/?]+)/i.exec(url);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]).replace(/^\('(.*)'\)$/, '$1').toLowerCase();
  } catch {
    return undefined;
  }
}

const pending = new Map<string, MailboxDelta>();

/**
 * Adds this process's per-mailbox Graph figures to graph_mailbox_stats every few seconds, so the
 * Integration page (in whichever process serves it) sees every worker's 429s.
 */
export function startMailboxStatsFlush(ctx: Pick<AppContext, 'db'>, everyMs = 5000): () => Promise<void> {
  const flush = async () => {
    if (pending.size === 0) return;
    const deltas = [...pending.values()];
    pending.clear();
    await recordMailboxStats(ctx, deltas);
  };
  const timer = setInterval(() => void flush(), everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await flush();
  };
}

export function recordGraphRetry(info: { waitMs: number }): void {
  graphRetryWait.inc(info.waitMs / 1000);
}

let dbGauges = false;
/** Gauges read from the database at scrape time: sync lag per flow, outbox depth, job failures. */
export function registerDatabaseGauges(ctx: AppContext): void {
  if (dbGauges) return;
  dbGauges = true;
  new client.Gauge({
    name: 'housing365_sync_lag_seconds',
    help: 'Seconds since the oldest successful sync per flow (inbox = email in, calendar = appointments in)',
    labelNames: ['flow'] as const,
    registers: [registry],
    async collect() {
      const rows = await readSyncLag(ctx);
      for (const r of rows) if (r.lag !== null) this.set({ flow: r.flow }, r.lag);
    },
  });
  new client.Gauge({
    name: 'housing365_outbox_depth',
    help: 'Rows waiting in the outboxes (email, calendar)',
    labelNames: ['outbox'] as const,
    registers: [registry],
    async collect() {
      const rows = await readOutboxDepth(ctx);
      for (const r of rows) this.set({ outbox: r.outbox }, r.n);
    },
  });
  new client.Gauge({
    name: 'housing365_job_failures',
    help: 'pg-boss jobs in state failed, by queue (kept for pg-boss retention)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await readFailedJobs(ctx);
      for (const r of rows) this.set({ queue: r.name }, r.n);
    },
  });
}
