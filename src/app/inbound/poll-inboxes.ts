// Inbound email polling as a whole (guide §2.2.6 "Start Inbound Poll"): which inboxes are read (the
// active EXCHANGE_INBOX values at INBOX_SERVER), whether the flow may run and exactly why not, start /
// stop / run-now / backfill, and the plan of which inboxes are due (EMI_POLL minutes since their last
// run, read afresh every time so a change applies without a restart). The job tick, the CLI and the
// Integration page all call these.
import { Readable } from 'node:stream';
import { ensureInboxState, readPollStopped, recordNotRun, selectInboxStates, selectRuns, updateInboxSettings, writePollStopped, type InboxSyncState } from '../../adapters/db/inbound-sync.ts';
import { selectParked, selectParkedRaw, resolveParked, type ParkedEmail } from '../../adapters/db/inbound-parked.ts';

export type { ParkedEmail };
import { inboxAddress } from '../../domain/frv/frv.ts';
import { isPollDue, nextPollDue } from '../../domain/params/poll-cadence.ts';
import { schedulerLiveness } from '../poll-flows.ts';
import { AppError } from '../../errors.ts';
import { activeFrvCodes } from '../frvs.ts';
import { getIntegrationStatus } from '../integration.ts';
import { parameterValues } from '../parameters.ts';
import type { MailboxGateway } from '../ports/graph.ts';
import { OPERATOR_VIEWER, type Viewer } from '../../domain/tasks/visibility.ts';
import type { Actor, AppContext } from '../context.ts';
import { blobStoreOf } from './policy.ts';
import { replayParked } from './sync-inbox.ts';

export type { InboxRef } from '../../domain/inbound/inbox-ref.ts';
import type { InboxRef } from '../../domain/inbound/inbox-ref.ts';

/** EMI_POLL has no default in the guide; 5 minutes (its own example) when it is not set. */
export const DEFAULT_POLL_MINUTES = 5;

export async function pollMinutes(ctx: AppContext): Promise<number> {
  const v = Number((await parameterValues(ctx)).EMI_POLL);
  return Number.isFinite(v) && v >= 1 ? Math.floor(v) : DEFAULT_POLL_MINUTES;
}

export async function configuredInboxes(ctx: AppContext): Promise<{ inboxes: InboxRef[]; problems: string[] }> {
  const [codes, values] = await Promise.all([activeFrvCodes(ctx, 'EXCHANGE_INBOX'), parameterValues(ctx)]);
  const inboxes: InboxRef[] = [];
  const problems: string[] = [];
  for (const code of codes) {
    try {
      inboxes.push({ code, mailbox: inboxAddress(code, values.INBOX_SERVER) });
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (codes.length === 0) problems.push('There are no active EXCHANGE_INBOX values (System Setup › First reference values)');
  return { inboxes, problems };
}

/** Why the inbound email flow may not run (empty when it may): licence, switches, parameters. */
async function flowReasons(ctx: AppContext): Promise<string[]> {
  const status = await getIntegrationStatus(ctx);
  const flow = status.flows.find((f) => f.flow === 'emailIn');
  return flow?.running ? [] : [...(flow?.reasons ?? ['inbound email is not configured'])];
}

/** Why this process may not read the inboxes now (empty when it may): the flow, plus its Graph connection. */
export async function whyInboundNotRunning(ctx: AppContext, gateway?: MailboxGateway): Promise<string[]> {
  const reasons = await flowReasons(ctx);
  if (!(gateway ?? ctx.graph?.mail)) reasons.push('Microsoft Graph is not configured');
  return reasons;
}

export interface InboxStatus {
  code: string;
  mailbox: string;
  state: InboxSyncState | null;
  /** Minutes since the cursor was last saved. */
  cursorAgeMinutes: number | null;
  parked: number;
  /** When the next poll of this inbox is due (now, when it never ran or a run was asked for); null when not polled. */
  nextRunAt: Date | null;
}

export interface InboundPollStatus {
  running: boolean;
  stopped: boolean;
  stoppedSince: Date | null;
  reasons: string[];
  pollMinutes: number;
  /** When a job process last checked what is due (the running system's own record). */
  lastCheckedAt: Date | null;
  inboxes: InboxStatus[];
}

/**
 * The poll's state per inbox, as `viewer` may see it (a restricted inbox's errors only for its teams):
 * what the running system does, read from the database — the flow's switches, the job processes'
 * last check, each inbox's last run and next due time — so a CLI or web process without a Graph
 * connection of its own reports it truly (issue 14 §4).
 */
export async function inboundPollStatus(ctx: AppContext, viewer: Viewer): Promise<InboundPollStatus> {
  const [why, scheduler, stop, minutes, configured, states, parked] = await Promise.all([
    flowReasons(ctx),
    schedulerLiveness(ctx),
    readPollStopped(ctx.db),
    pollMinutes(ctx),
    configuredInboxes(ctx),
    selectInboxStates(ctx.db, viewer),
    // Counted for every inbox (a number shows no mail); listed only as the viewer may see them.
    selectParked(ctx.db, OPERATOR_VIEWER, { status: 'parked' }),
  ]);
  const reasons = [...why, ...configured.problems, ...(stop.stopped ? ['Inbound polling is stopped (housing365 poll start, or Start on the Integration page)'] : [])];
  if (scheduler.problem) reasons.push(scheduler.problem);
  const now = ctx.now().getTime();
  const running = reasons.length === 0;
  return {
    running,
    stopped: stop.stopped,
    stoppedSince: stop.since,
    reasons,
    pollMinutes: minutes,
    lastCheckedAt: scheduler.lastTickAt,
    inboxes: configured.inboxes.map((i) => {
      const state = states.find((s) => s.inbox === i.code) ?? null;
      const polled = running && (state?.pollEnabled ?? true);
      return {
        nextRunAt: polled ? (nextPollDue(state?.lastRunStartedAt ?? null, minutes) ?? ctx.now()) : null,
        ...i,
        state,
        cursorAgeMinutes: state?.cursorSavedAt ? Math.floor((now - state.cursorSavedAt.getTime()) / 60_000) : null,
        parked: parked.filter((p) => p.inbox === i.code).length,
      };
    }),
  };
}

export async function startInboundPolling(ctx: AppContext, actor: Actor, inbox?: string): Promise<void> {
  if (inbox) await setInboxPolled(ctx, inbox, true);
  else await writePollStopped(ctx.db, false, ctx.now());
  ctx.logger.info({ inbox: inbox ?? 'all', by: actor.username }, 'inbound polling started');
}

export async function stopInboundPolling(ctx: AppContext, actor: Actor, inbox?: string): Promise<void> {
  if (inbox) await setInboxPolled(ctx, inbox, false);
  else await writePollStopped(ctx.db, true, ctx.now());
  ctx.logger.info({ inbox: inbox ?? 'all', by: actor.username }, 'inbound polling stopped');
}

async function knownInbox(ctx: AppContext, code: string): Promise<InboxRef> {
  const { inboxes } = await configuredInboxes(ctx);
  const found = inboxes.find((i) => i.code === code.trim().toUpperCase());
  if (!found) throw new AppError('not_found', `${code} is not an active EXCHANGE_INBOX value with an address (is INBOX_SERVER set?)`, [{ field: 'inbox', message: 'unknown inbox' }]);
  await ensureInboxState(ctx.db, found.code, found.mailbox, ctx.now());
  return found;
}

async function setInboxPolled(ctx: AppContext, code: string, on: boolean): Promise<void> {
  const i = await knownInbox(ctx, code);
  await updateInboxSettings(ctx.db, i.code, { poll_enabled: on });
}

/** Run-now: the inbox (or every inbox) is read at once (the scheduler is signalled; at worst its next tick, seconds away). */
export async function requestInboxRun(ctx: AppContext, actor: Actor, inbox?: string): Promise<string[]> {
  const chosen = inbox ? [await knownInbox(ctx, inbox)] : (await configuredInboxes(ctx)).inboxes;
  for (const i of chosen) {
    await ensureInboxState(ctx.db, i.code, i.mailbox, ctx.now());
    await updateInboxSettings(ctx.db, i.code, { last_run_at: null, last_run_started_at: null });
  }
  ctx.logger.info({ inboxes: chosen.map((i) => i.code), by: actor.username }, 'inbox run requested');
  return chosen.map((i) => i.code);
}

/** Backfill: the next run reads the inbox again from the start and imports mail of the last N days. */
export async function requestBackfill(ctx: AppContext, actor: Actor, inbox: string, days: number): Promise<void> {
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw AppError.validation('days', 'Backfill 1 to 3650 days');
  const i = await knownInbox(ctx, inbox);
  await updateInboxSettings(ctx.db, i.code, { backfill_days: days, backfill_seen: 0, backfill_imported: 0, cursor: null, cursor_partial: false, last_run_at: null, last_run_started_at: null });
  ctx.logger.info({ inbox: i.code, days, by: actor.username }, 'inbox backfill requested');
}

export async function setAfterImport(ctx: AppContext, actor: Actor, inbox: string, action: 'mark_read' | 'move' | 'leave', folder?: string): Promise<void> {
  const i = await knownInbox(ctx, inbox);
  if (action === 'move' && folder !== undefined && !folder.trim()) throw AppError.validation('folder', 'Name the folder to move imported mail to');
  await updateInboxSettings(ctx.db, i.code, { after_import: action, move_folder: action === 'move' ? (folder?.trim() || null) : null });
  ctx.logger.info({ inbox: i.code, action, by: actor.username }, 'inbox after-import action set');
}

export interface InboxPollPlan {
  held?: string;
  due: InboxRef[];
}

/**
 * Which inboxes to read now: every configured, not-stopped inbox whose last run is EMI_POLL minutes
 * old (or all / the one asked for with `force`). When the flow may not run, none — and the reason is
 * recorded per inbox for the Integration page.
 */
export async function planInboxPoll(ctx: AppContext, opts: { force?: boolean; inbox?: string; gateway?: MailboxGateway } = {}): Promise<InboxPollPlan> {
  const { inboxes, problems } = await configuredInboxes(ctx);
  const wanted = opts.inbox ? inboxes.filter((i) => i.code === opts.inbox!.toUpperCase()) : inboxes;
  const why = await whyInboundNotRunning(ctx, opts.gateway);
  const { stopped } = await readPollStopped(ctx.db);
  if (stopped) why.push('inbound polling is stopped');
  if (why.length) {
    const held = `Not polled: ${why.join('; ')}`;
    await recordNotRun(ctx.db, wanted.map((i) => i.code), held);
    return { held, due: [] };
  }
  if (problems.length && wanted.length === 0) return { held: problems.join('; '), due: [] };
  const minutes = await pollMinutes(ctx);
  const now = ctx.now();
  // One read of every state per tick (it runs every few seconds); a state is made only for a new inbox.
  const states = new Map((await selectInboxStates(ctx.db, OPERATOR_VIEWER)).map((s) => [s.inbox, s]));
  const due: InboxRef[] = [];
  const stoppedInboxes: string[] = [];
  for (const i of wanted) {
    const known = states.get(i.code);
    const s = known && known.mailbox === i.mailbox ? known : await ensureInboxState(ctx.db, i.code, i.mailbox, now);
    if (!s.pollEnabled) {
      if (s.lastSkippedReason !== INBOX_STOPPED) stoppedInboxes.push(i.code);
      continue;
    }
    // EMI_POLL minutes from the start of the last run (domain/params/poll-cadence.ts); run-now clears it.
    if (opts.force || isPollDue(s.lastRunStartedAt, minutes, now)) due.push(i);
  }
  await recordNotRun(ctx.db, stoppedInboxes, INBOX_STOPPED);
  return { due };
}

const INBOX_STOPPED = 'Not polled: this inbox is stopped (housing365 poll start --inbox)';

export const listParkedEmails = (ctx: AppContext, viewer: Viewer, status: ParkedEmail['status'] = 'parked') => selectParked(ctx.db, viewer, { status });
export const inboxRuns = (ctx: AppContext, viewer: Viewer, inbox?: string, limit = 20) => selectRuns(ctx.db, viewer, inbox?.toUpperCase(), limit);

/** The parked message's raw source as Graph gave it, streamed from the blob store (rows from before may hold a cut copy). */
export async function parkedRawSource(ctx: AppContext, id: number, viewer: Viewer): Promise<{ stream: Readable; truncated: boolean }> {
  const raw = await selectParkedRaw(ctx.db, viewer, id);
  if (raw === undefined) throw new AppError('not_found', `There is no parked email ${id}`);
  if (raw.blobSha256) return { stream: await blobStoreOf(ctx).open(raw.blobSha256), truncated: false };
  if (raw.bytes) return { stream: Readable.from([raw.bytes]), truncated: raw.truncated };
  throw new AppError('not_found', `Parked email ${id} has no raw source (Graph would not give it)`);
}

export async function replayParkedEmail(ctx: AppContext, actor: Actor, id: number, viewer: Viewer, gateway = ctx.graph?.mail): Promise<{ ok: boolean; reason?: string }> {
  const p = (await selectParked(ctx.db, viewer, { status: 'parked', id }))[0];
  if (!p) throw new AppError('not_found', `There is no parked email ${id} waiting`);
  if (!gateway) throw new AppError('disabled', 'Microsoft Graph is not configured');
  return replayParked(ctx, gateway, p, actor.username);
}

export async function dismissParkedEmail(ctx: AppContext, actor: Actor, id: number, viewer: Viewer): Promise<void> {
  if (!(await selectParked(ctx.db, viewer, { id })).length) throw new AppError('not_found', `There is no parked email ${id}`);
  await resolveParked(ctx.db, { id }, 'dismissed', actor.username, ctx.now());
}

/** Each inbox's recorded sync state, as this viewer may see it. */
export const listInboxSyncStates = (ctx: AppContext, viewer: Viewer) => selectInboxStates(ctx.db, viewer);
