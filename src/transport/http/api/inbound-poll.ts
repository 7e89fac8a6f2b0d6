// /api/v1/integration/inboxes — the inbound email poll (guide §2.2.6) for scripts, like the calendars'
// /integration/calendars: whether it runs and why not, and per inbox what the running system did
// (last run, its outcome, next due time, parked messages) — read from the database, so it is true
// whichever process answers (issue 14 §4). Run-now and start / stop.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { inboundPollStatus, requestInboxRun, startInboundPolling, stopInboundPolling } from '../../../app/inbound/poll-inboxes.ts';
import { viewerOf } from '../../../app/tasks/viewer.ts';
import type { Principal } from '../../../app/context.ts';
import type { ApiCatalogue } from './define.ts';
import { iso, PollFlowStatus, pollFlowStatus } from './schemas.ts';

const InboxState = z.object({
  inbox: z.string(),
  mailbox: z.string(),
  polled: z.boolean(),
  lastRunAt: z.string().nullable(),
  lastRunOk: z.boolean().nullable(),
  lastImported: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastSkippedReason: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  cursorSavedAt: z.string().nullable(),
  fullResyncs: z.number().int(),
  parked: z.number().int(),
});

const PollStatus = PollFlowStatus.extend({ inboxes: z.array(InboxState) });

const InboxBody = z.object({ inbox: z.string().trim().min(1).max(30).optional() });

export function registerInboundPollApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  const status = async (principal: Principal) => {
    const s = await inboundPollStatus(ctx, await viewerOf(ctx, principal));
    return {
      ...pollFlowStatus(s),
      inboxes: s.inboxes.map((i) => ({
        inbox: i.code,
        mailbox: i.mailbox,
        polled: i.state?.pollEnabled ?? true,
        lastRunAt: iso(i.state?.lastRunAt),
        lastRunOk: i.state?.lastRunOk ?? null,
        lastImported: i.state?.lastItems ?? null,
        lastError: i.state?.lastError ?? null,
        lastSkippedReason: i.state?.lastSkippedReason ?? null,
        nextRunAt: iso(i.nextRunAt),
        cursorSavedAt: iso(i.state?.cursorSavedAt),
        fullResyncs: i.state?.fullResyncs ?? 0,
        parked: i.parked,
      })),
    };
  };

  api.add(app, {
    method: 'GET',
    path: '/integration/inboxes',
    operationId: 'getInboxPolling',
    summary: 'Inbound email polling: whether it runs and why not; per inbox last run, outcome, next run, parked emails',
    tag: 'Integration',
    role: 'officer',
    status: 200,
    response: PollStatus,
    handler: ({ principal }) => status(principal),
  });

  for (const action of ['start', 'stop'] as const) {
    api.add(app, {
      method: 'POST',
      path: `/integration/inboxes/${action}`,
      operationId: action === 'start' ? 'startInboxPolling' : 'stopInboxPolling',
      summary: action === 'start' ? 'Start inbound email polling (all inboxes, or one)' : 'Stop inbound email polling (all inboxes, or one)',
      tag: 'Integration',
      role: 'admin',
      body: InboxBody,
      problems: { 404: 'Not an active EXCHANGE_INBOX value' },
      status: 200,
      response: PollStatus,
      handler: async ({ body, principal }) => {
        await (action === 'start' ? startInboundPolling : stopInboundPolling)(ctx, principal, body.inbox);
        return status(principal);
      },
    });
  }

  api.add(app, {
    method: 'POST',
    path: '/integration/inboxes/run',
    operationId: 'runInboxSync',
    summary: 'Read one inbox (or all) now (within seconds)',
    tag: 'Integration',
    role: 'admin',
    body: InboxBody,
    problems: { 404: 'Not an active EXCHANGE_INBOX value' },
    status: 202,
    response: z.object({ inboxes: z.array(z.string()) }),
    handler: async ({ body, principal }) => ({ inboxes: await requestInboxRun(ctx, principal, body.inbox) }),
  });
}
