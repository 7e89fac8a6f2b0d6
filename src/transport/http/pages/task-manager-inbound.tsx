// Integration › Inbound email (guide §2.2.6 "Start Inbound Poll"): whether the poll runs and exactly
// why not, start / stop / run-now per inbox or all, per inbox the last run, items, errors and cursor
// age, backfill with progress, what happens in Outlook after import, and the "Needs attention" list
// of mail that could not be stored (raw source to download, replay, dismiss).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import {
  dismissParkedEmail, inboundPollStatus, inboxRuns, listParkedEmails, parkedRawSource, replayParkedEmail, requestBackfill, requestInboxRun, setAfterImport, startInboundPolling, stopInboundPolling,
} from '../../../app/inbound/poll-inboxes.ts';
import { viewerOf } from '../../../app/tasks/viewer.ts';
import { displaySafeName } from '../../../domain/text/bidi.ts';
import { AppError } from '../../../errors.ts';
import { ErrorSummary, SuccessBanner, Tag } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { CsrfField, Layout, pageInfo, sendPage } from './layout.tsx';

export const INBOUND_PATH = '/integration/inboxes';
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const when = (d: Date | null | undefined) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never');
const DONE: Record<string, string> = { started: 'Inbound polling started', stopped: 'Inbound polling stopped', run: 'Run requested: the inbox is read within seconds', backfill: 'Backfill requested', after: 'Saved', replayed: 'Replayed and stored', dismissed: 'Dismissed' };

function Button({ action, text, csrf, fields = {}, warning }: { action: string; text: string; csrf: string | null; fields?: Record<string, string>; warning?: boolean }): JSX.Element {
  return (
    <form method="post" action={action} class="app-inline-form">
      <CsrfField token={csrf} />
      {Object.entries(fields).map(([k, v]) => <input type="hidden" name={k} value={v} />)}
      <button type="submit" class={['govuk-button', 'govuk-!-margin-bottom-1', warning ? 'govuk-button--warning' : 'govuk-button--secondary']} data-module="govuk-button" safe>{text}</button>
    </form>
  );
}

async function render(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, extra: { banner?: string; error?: string } = {}, code = 200) {
  const page = pageInfo(ctx, request, 'Inbound email', 'setup', Boolean(extra.error));
  const viewer = await viewerOf(ctx, request.principal!);
  const [s, parked, runs] = await Promise.all([inboundPollStatus(ctx, viewer), listParkedEmails(ctx, viewer), inboxRuns(ctx, viewer, undefined, 20)]);
  const csrf = page.csrfToken;
  return sendPage(
    reply,
    <Layout page={page}>
      <SuccessBanner heading={extra.banner} />
      {extra.error ? <ErrorSummary errors={{ action: extra.error }} /> : ''}
      <h1 class="govuk-heading-l">Inbound email</h1>
      <p class="govuk-body" id="poll-state">
        {s.running ? <Tag text="Polling" colour="green" /> : <Tag text="Not polling" colour="red" />}{' '}
        <span safe>{s.running ? `Each inbox is read every ${s.pollMinutes} minute(s) (EMI_POLL).` : ''}</span>
      </p>
      {s.reasons.length ? <ul class="govuk-list govuk-list--bullet" id="poll-reasons">{s.reasons.map((r) => <li safe>{r}</li>)}</ul> : ''}
      <div class="govuk-button-group">
        {s.stopped ? <Button action={`${INBOUND_PATH}/start`} text="Start inbound poll" csrf={csrf} /> : <Button action={`${INBOUND_PATH}/stop`} text="Stop inbound poll" csrf={csrf} warning />}
        <Button action={`${INBOUND_PATH}/run`} text="Run all now" csrf={csrf} />
      </div>
      <table class="govuk-table" id="inboxes">
        <caption class="govuk-table__caption govuk-table__caption--m">Inboxes (EXCHANGE_INBOX)</caption>
        <thead class="govuk-table__head"><tr class="govuk-table__row">{['Inbox', 'Last run', 'Items', 'Errors', 'Cursor age', 'After import', 'Needs attention', ''].map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}</tr></thead>
        <tbody class="govuk-table__body">
          {s.inboxes.map((i) => (
            <tr class="govuk-table__row">
              <th scope="row" class="govuk-table__header"><span safe>{i.code}</span><br /><span class="govuk-body-s" safe>{i.mailbox}</span>{i.state && !i.state.pollEnabled ? <><br /><Tag text="Stopped" colour="grey" /></> : ''}</th>
              <td class="govuk-table__cell">{when(i.state?.lastRunAt)}</td>
              <td class="govuk-table__cell">{String(i.state?.lastItems ?? '')}</td>
              <td class="govuk-table__cell" safe>{i.state?.lastError ?? i.state?.lastSkippedReason ?? ''}</td>
              <td class="govuk-table__cell">{i.cursorAgeMinutes === null ? '—' : `${i.cursorAgeMinutes} min`}{i.state?.backfillDays ? <><br /><span class="govuk-body-s" safe>{`Backfill ${i.state.backfillDays} days: ${i.state.backfillSeen} checked, ${i.state.backfillImported} imported`}</span></> : ''}</td>
              <td class="govuk-table__cell" safe>{i.state ? (i.state.afterImport === 'move' ? `Move to ${i.state.moveFolder ?? 'Imported to housing365'}` : i.state.afterImport === 'leave' ? 'Leave' : 'Mark read') : 'Mark read'}</td>
              <td class="govuk-table__cell">{String(i.parked)}</td>
              <td class="govuk-table__cell">
                <Button action={`${INBOUND_PATH}/run`} text={`Run ${i.code} now`} csrf={csrf} fields={{ inbox: i.code }} />
                {i.state?.pollEnabled === false ? <Button action={`${INBOUND_PATH}/start`} text={`Start ${i.code}`} csrf={csrf} fields={{ inbox: i.code }} /> : <Button action={`${INBOUND_PATH}/stop`} text={`Stop ${i.code}`} csrf={csrf} fields={{ inbox: i.code }} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="govuk-grid-row">
        <form method="post" action={`${INBOUND_PATH}/backfill`} class="govuk-grid-column-one-half">
          <h2 class="govuk-heading-s">Backfill an inbox</h2>
          <p class="govuk-body-s">A new inbox imports the mail received since it was configured (its EXCHANGE_INBOX value added or activated). A backfill imports the last N days as well.</p>
          <CsrfField token={csrf} />
          <label class="govuk-label" for="backfill-inbox">Inbox</label>
          <select class="govuk-select" id="backfill-inbox" name="inbox">{s.inboxes.map((i) => <option value={i.code} safe>{i.code}</option>)}</select>
          <label class="govuk-label" for="backfill-days">Days</label>
          <input class="govuk-input govuk-input--width-5" id="backfill-days" name="days" inputmode="numeric" />
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Backfill</button>
        </form>
        <form method="post" action={`${INBOUND_PATH}/after-import`} class="govuk-grid-column-one-half">
          <h2 class="govuk-heading-s">After import, in Outlook</h2>
          <CsrfField token={csrf} />
          <label class="govuk-label" for="after-inbox">Inbox</label>
          <select class="govuk-select" id="after-inbox" name="inbox">{s.inboxes.map((i) => <option value={i.code} safe>{i.code}</option>)}</select>
          <label class="govuk-label" for="after-action">Action</label>
          <select class="govuk-select" id="after-action" name="action"><option value="mark_read">Mark read</option><option value="move">Move to a folder</option><option value="leave">Leave</option></select>
          <label class="govuk-label" for="after-folder">Folder (for move)</label>
          <input class="govuk-input govuk-input--width-20" id="after-folder" name="folder" />
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Save</button>
        </form>
      </div>
      <h2 class="govuk-heading-m" id="needs-attention">Needs attention</h2>
      {parked.length === 0 ? <p class="govuk-body">Nothing: every email read so far was stored.</p> : (
        <table class="govuk-table">
          <thead class="govuk-table__head"><tr class="govuk-table__row">{['Inbox', 'Subject', 'Why', 'Attempts', 'Since', ''].map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}</tr></thead>
          <tbody class="govuk-table__body">
            {parked.map((p) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell" safe>{p.inbox}</td>
                <td class="govuk-table__cell" safe>{displaySafeName(p.subject) ?? '(unknown)'}</td>
                <td class="govuk-table__cell" safe>{displaySafeName(p.reason)}</td>
                <td class="govuk-table__cell">{String(p.attempts)}</td>
                <td class="govuk-table__cell">{when(p.firstAt)}</td>
                <td class="govuk-table__cell">
                  {p.hasRawSource ? <a class="govuk-link" href={`${INBOUND_PATH}/parked/${p.id}/source`}>Raw source{p.rawTruncated ? ' (cut at 25 MB)' : ''}</a> : ''}
                  <Button action={`${INBOUND_PATH}/parked/${p.id}/replay`} text="Replay" csrf={csrf} />
                  <Button action={`${INBOUND_PATH}/parked/${p.id}/dismiss`} text="Dismiss" csrf={csrf} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--m">Recent runs</caption>
        <thead class="govuk-table__head"><tr class="govuk-table__row">{['Inbox', 'Started', 'Result', 'Imported', 'Parked', 'Graph requests', 'Full resync'].map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}</tr></thead>
        <tbody class="govuk-table__body">
          {runs.map((r) => (
            <tr class="govuk-table__row">
              <td class="govuk-table__cell" safe>{r.inbox}</td>
              <td class="govuk-table__cell">{when(r.started_at)}</td>
              <td class="govuk-table__cell" safe>{r.ok === null ? 'running' : r.ok ? 'ok' : `failed: ${r.error ?? ''}`}</td>
              <td class="govuk-table__cell">{String(r.imported)}</td>
              <td class="govuk-table__cell">{String(r.parked)}</td>
              <td class="govuk-table__cell">{String(r.graph_requests)}</td>
              <td class="govuk-table__cell">{r.full_resync ? 'yes' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>,
    code,
  );
}

export function registerInboundPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };
  app.get(INBOUND_PATH, guard, (request, reply) => render(ctx, request, reply, { banner: DONE[str((request.query as Record<string, unknown>).done)] }));
  const post = (path: string, done: string, fn: (b: Record<string, unknown>, request: FastifyRequest & { params: Record<string, string> }) => Promise<unknown>) =>
    app.post<{ Params: Record<string, string> }>(`${INBOUND_PATH}${path}`, guard, async (request, reply) => {
      try {
        const r = await fn((request.body ?? {}) as Record<string, unknown>, request);
        if (r && typeof r === 'object' && 'ok' in r && (r as { ok: boolean }).ok === false) return render(ctx, request, reply, { error: `Replay failed: ${(r as { reason?: string }).reason ?? ''}` }, 422);
      } catch (err) {
        if (!(err instanceof AppError) || !['validation', 'not_found', 'disabled'].includes(err.code)) throw err;
        return render(ctx, request, reply, { error: err.message }, err.code === 'not_found' ? 404 : 422);
      }
      return reply.redirect(`${INBOUND_PATH}?done=${done}`, 303);
    });
  const inbox = (b: Record<string, unknown>) => str(b.inbox) || undefined;
  post('/start', 'started', (b, r) => startInboundPolling(ctx, r.principal!, inbox(b)));
  post('/stop', 'stopped', (b, r) => stopInboundPolling(ctx, r.principal!, inbox(b)));
  post('/run', 'run', (b, r) => requestInboxRun(ctx, r.principal!, inbox(b)));
  post('/backfill', 'backfill', (b, r) => requestBackfill(ctx, r.principal!, str(b.inbox), Number(str(b.days))));
  post('/after-import', 'after', (b, r) => setAfterImport(ctx, r.principal!, str(b.inbox), (['mark_read', 'move', 'leave'].includes(str(b.action)) ? str(b.action) : 'mark_read') as 'mark_read', str(b.folder) || undefined));
  post('/parked/:id/replay', 'replayed', async (_b, r) => replayParkedEmail(ctx, r.principal!, Number(r.params.id) || -1, await viewerOf(ctx, r.principal!)));
  post('/parked/:id/dismiss', 'dismissed', async (_b, r) => dismissParkedEmail(ctx, r.principal!, Number(r.params.id) || -1, await viewerOf(ctx, r.principal!)));
  app.get<{ Params: { id: string } }>(`${INBOUND_PATH}/parked/:id/source`, guard, async (request, reply) => {
    const raw = await parkedRawSource(ctx, /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : -1, await viewerOf(ctx, request.principal!));
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="parked-${request.params.id}${raw.truncated ? '-truncated' : ''}.eml"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(raw.stream);
  });
}
