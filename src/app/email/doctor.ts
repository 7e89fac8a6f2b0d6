/**
 * `housing365 doctor` and the home/Integration pages: every condition the Outlook 365 integration
 * needs, checked end to end — licence, switches, parameters, token, each configured mailbox and
 * calendar reachable with the rights its direction needs, EMO_EMAILADDR's domain, time-zone names.
 * Probes only read, or create and delete a draft; they never send mail or touch events.
 */
import { outlookReasonProblems } from '../appointments/reasons.ts';
import { postgresTimeZoneNames } from '../../adapters/db/parameters.ts';
import { selectLinkedCalendarAddresses } from '../../adapters/db/diaries.ts';
import { inboxAddress } from '../../domain/frv/frv.ts';
import { isGraphTimeZone } from '../../domain/time/zones.ts';
import type { AppContext } from '../context.ts';
import { activeFrvCodes } from '../frvs.ts';
import { getIntegrationStatus } from '../integration.ts';
import { parameterValues } from '../parameters.ts';
import { isGraphFailure } from '../ports/graph-errors.ts';
import { databaseChecks } from '../database-checks.ts';
import { notificationUrls } from '../notifications/subscriptions.ts';
import { mb } from './attachments.ts';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface DoctorCheck {
  area: 'licence' | 'switches' | 'parameters' | 'connection' | 'mailbox' | 'calendar' | 'time zones' | 'database';
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
  endpoints?: { mode: string; graphBaseUrl: string; authority: string; smtp?: { host: string; port: number } };
}

const why = (e: unknown) => (isGraphFailure(e) ? `${e.kind.replace('_', ' ')}: ${e.message}` : (e as Error)?.message ?? String(e));

/** Application permissions each direction needs (docs/connect-microsoft-365.md explains why). */
export const DIRECTION_ROLES: Record<'emailOut' | 'emailIn' | 'apptOut' | 'apptIn', string[]> = {
  // drafts carrying our marker, found again by it, then sent
  emailOut: ['Mail.Send', 'Mail.ReadWrite'],
  // delta, attachments, mark read / move
  emailIn: ['Mail.ReadWrite'],
  apptOut: ['Calendars.ReadWrite'],
  // calendarView delta, and putting back a move the diary refuses
  apptIn: ['Calendars.ReadWrite'],
};

/**
 * With change notifications on (PUBLIC_BASE_URL), the inbound directions also subscribe, and a
 * subscription "requires read scope to the resource … will not be able to support write access
 * permissions where only read access privileges are needed" (graph/api/subscription-post-subscriptions):
 * Mail.ReadWrite does not stand in for Mail.Read there.
 */
export const SUBSCRIPTION_ROLES: Partial<Record<keyof typeof DIRECTION_ROLES, string>> = { emailIn: 'Mail.Read', apptIn: 'Calendars.Read' };

/** Pages must not hang on an unreachable tenant: Graph checks give up after `ms`. */
function within<T>(p: Promise<T>, ms: number | undefined): Promise<T> {
  if (!ms) return p;
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

export async function runDoctor(ctx: AppContext, opts: { probeMailboxes?: boolean; graphTimeoutMs?: number } = {}): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (c: DoctorCheck) => checks.push(c);
  const [status, values] = await Promise.all([getIntegrationStatus(ctx), parameterValues(ctx)]);
  const enabled = new Set(status.flows.filter((f) => values[f.switchName] === 'Y').map((f) => f.flow));

  add(status.licensed
    ? { area: 'licence', name: 'OUTLOOK365 licence', status: 'pass', detail: 'installed and valid' }
    : { area: 'licence', name: 'OUTLOOK365 licence', status: 'fail', detail: status.flows[0]?.reasons.find((r) => /licen/i.test(r)) ?? 'no valid licence covering OUTLOOK365' });
  add(status.outlook365
    ? { area: 'switches', name: 'OUTLOOK365', status: 'pass', detail: 'Y' }
    : { area: 'switches', name: 'OUTLOOK365', status: 'fail', detail: `must be Y (it is ${values.OUTLOOK365 ?? 'not set'})` });
  for (const f of status.flows) {
    if (values[f.switchName] !== 'Y') {
      add({ area: 'switches', name: f.switchName, status: 'skip', detail: `${f.label}: off (${values[f.switchName] ?? 'not set'})` });
    } else {
      add({ area: 'switches', name: f.switchName, status: f.running ? 'pass' : 'fail', detail: f.running ? `${f.label}: running` : `${f.label} cannot run: ${f.reasons.join('; ')}` });
    }
  }
  for (const p of status.problems) add({ area: 'parameters', name: p.parameter, status: 'fail', detail: p.message });
  if (!status.problems.length) add({ area: 'parameters', name: 'parameters', status: 'pass', detail: 'no conflicts between parameters' });
  // Guide §2.4: the Outlook cancel and move reasons must be linked to all product areas.
  const reasonProblems = await outlookReasonProblems(ctx);
  for (const p of reasonProblems) add({ area: 'parameters', name: p.parameter, status: 'fail', detail: p.message });

  // EMO_EMAILADDR: same domain as the organisation's (guide §2.1), and a mailbox in the tenant.
  const from = values.EMO_EMAILADDR?.trim();

  // Time-zone names: Graph wants Windows (or its IANA subset) names; the database zone must be PostgreSQL's.
  const tz = values.OUTLOOK365_TIMEZONE?.trim();
  if (tz) add({ area: 'time zones', name: 'OUTLOOK365_TIMEZONE', status: isGraphTimeZone(tz) ? 'pass' : 'fail', detail: isGraphTimeZone(tz) ? `${tz} is a time zone Graph accepts` : `${tz} is not a time-zone name Graph accepts` });
  else add({ area: 'time zones', name: 'OUTLOOK365_TIMEZONE', status: enabled.has('apptOut') || enabled.has('apptIn') ? 'warn' : 'skip', detail: 'not set' });
  const dbz = values.OUTLOOK365_ORACLE_TIMEZONE?.trim();
  if (dbz) {
    const names = await postgresTimeZoneNames(ctx.db);
    add({ area: 'time zones', name: 'OUTLOOK365_ORACLE_TIMEZONE', status: names.has(dbz) ? 'pass' : 'fail', detail: names.has(dbz) ? `${dbz} is known to the database` : `${dbz} is not a time zone the database knows` });
  }

  for (const c of await databaseChecks(ctx)) add(c);

  // Graph: a token, then each mailbox and calendar the enabled directions use.
  const graph = ctx.graph;
  if (!graph) {
    add({ area: 'connection', name: 'Microsoft Graph', status: 'fail', detail: 'not connected in this process (is housing365 running? in demo mode the emulator lives inside `housing365 start`)' });
    return finish(ctx, checks);
  }
  let roles: string[] = [];
  try {
    const t = await within(graph.checkToken(), opts.graphTimeoutMs);
    roles = t.roles;
    add({ area: 'connection', name: 'token', status: 'pass', detail: `app token from ${graph.endpoints.authority}${t.expiresAt ? `, valid until ${t.expiresAt.toISOString()}` : ''}` });
  } catch (e) {
    add({ area: 'connection', name: 'token', status: 'fail', detail: why(e) });
    return finish(ctx, checks);
  }
  // The app token's `roles` claim, per direction switched on (subscriptions' read roles when notifications are on).
  const notifying = !('off' in notificationUrls(ctx));
  for (const f of enabled) {
    const need = [...DIRECTION_ROLES[f], ...(notifying && SUBSCRIPTION_ROLES[f] ? [SUBSCRIPTION_ROLES[f]!] : [])];
    const lacking = need.filter((r) => !roles.includes(r));
    const label = status.flows.find((x) => x.flow === f)?.label ?? f;
    // With Exchange RBAC for Applications the rights are not in the token, so a missing role is a
    // warning here; the mailbox probes below are what decide. A subscription's read role is not
    // covered by RBAC scoping of the write role, so it stays a warning too, with its own words.
    add({
      area: 'connection',
      name: `permissions: ${label}`,
      status: lacking.length ? 'warn' : 'pass',
      detail: lacking.length
        ? `token lacks ${lacking.join(', ')}${lacking.some((r) => r === SUBSCRIPTION_ROLES[f]) ? ` (${SUBSCRIPTION_ROLES[f]} is needed for change-notification subscriptions: Graph does not take ${SUBSCRIPTION_ROLES[f]!.replace('.Read', '.ReadWrite')} for them; without it polling still works)` : ' (fine only if Exchange RBAC for Applications grants them)'}`
        : `token has ${need.join(', ')}`,
    });
  }

  if (from) {
    try {
      const user = await within(graph.directory.findUser(from), opts.graphTimeoutMs);
      add(user ? { area: 'mailbox', name: `EMO_EMAILADDR ${from}`, status: 'pass', detail: `mailbox of ${user.displayName ?? user.userPrincipalName}` } : { area: 'mailbox', name: `EMO_EMAILADDR ${from}`, status: 'fail', detail: 'no such user or mailbox in the tenant' });
    } catch (e) {
      add({ area: 'mailbox', name: `EMO_EMAILADDR ${from}`, status: 'warn', detail: `could not look the user up (${why(e)}); needs User.Read.All` });
    }
  }
  if (opts.probeMailboxes === false) return finish(ctx, checks);

  if (enabled.has('emailOut') && from) {
    try {
      // Drafts are how the outbox sends (exactly once): create one and delete it again.
      const d = await graph.mail.createDraft(from, { subject: 'housing365 doctor check (deleted at once)', text: 'check', to: [{ address: from }] }, `doctor-${Date.now()}`);
      await graph.mail.deleteMessage(from, d.id);
      add({ area: 'mailbox', name: `${from} (outbound)`, status: 'pass', detail: 'can create and delete drafts; sending is not tried' });
    } catch (e) {
      add({ area: 'mailbox', name: `${from} (outbound)`, status: 'fail', detail: why(e) });
    }
    add(await messageSizeCheck(ctx, from));
  }
  if (enabled.has('emailIn')) {
    const codes = await activeFrvCodes(ctx, 'EXCHANGE_INBOX');
    if (!codes.length) add({ area: 'mailbox', name: 'EXCHANGE_INBOX', status: 'fail', detail: 'no inboxes configured' });
    for (const code of codes) {
      let address: string;
      try {
        address = inboxAddress(code, values.INBOX_SERVER);
      } catch (e) {
        add({ area: 'mailbox', name: `EXCHANGE_INBOX ${code}`, status: 'fail', detail: why(e) });
        continue;
      }
      try {
        await graph.mail.findFolder(address, 'Inbox');
        await graph.mail.findByMarker(address, 'doctor-probe');
        add({ area: 'mailbox', name: `${address} (inbound)`, status: 'pass', detail: 'can read the mailbox' });
      } catch (e) {
        add({ area: 'mailbox', name: `${address} (inbound)`, status: 'fail', detail: why(e) });
      }
    }
  }
  if (enabled.has('apptOut') || enabled.has('apptIn')) {
    const calendars = await selectLinkedCalendarAddresses(ctx.db);
    if (!calendars.length) add({ area: 'calendar', name: 'calendars', status: 'warn', detail: 'no appointment diary is linked to an Outlook 365 calendar' });
    for (const calendar of calendars) {
      try {
        await graph.calendar.findEventsByMarker(calendar, 'doctor-probe');
        add({ area: 'calendar', name: calendar, status: 'pass', detail: 'can read the calendar' });
      } catch (e) {
        add({ area: 'calendar', name: calendar, status: 'fail', detail: why(e) });
      }
    }
  }
  return finish(ctx, checks);
}

/**
 * The tenant's message size limit: Graph has no property for it (Exchange's MaxSendSize is read in
 * Exchange Online PowerShell), so the check asks the next best thing — an upload session for one file
 * of EXCHANGE_MAX_MESSAGE_MB on a throw-away draft, cancelled at once. Refused as too large: the tenant
 * allows less than housing365 will queue. Taken: Graph did not object at that size (Exchange can still
 * refuse at send when its MaxSendSize is lower, so the detail says to compare).
 */
async function messageSizeCheck(ctx: AppContext, from: string): Promise<DoctorCheck> {
  const limit = ctx.config.maxMessageBytes;
  const name = 'message size limit';
  const setting = `housing365 queues email up to ${mb(limit)} (EXCHANGE_MAX_MESSAGE_MB)`;
  try {
    const r = await ctx.graph!.mail.probeMessageSize(from, limit - 64 * 1024);
    if (r === 'refused') return { area: 'mailbox', name, status: 'fail', detail: `${setting}, but Graph refused an upload session of that size for ${from}: the tenant allows less. Lower EXCHANGE_MAX_MESSAGE_MB, or raise MaxSendSize (Set-Mailbox ${from} -MaxSendSize ${Math.round(limit / 1024 / 1024)}MB)` };
    return { area: 'mailbox', name, status: 'pass', detail: `${setting}; Graph took an upload session of that size for ${from}. Graph cannot tell the tenant's limit itself: compare with Get-Mailbox ${from} | fl MaxSendSize (default 35 MB)` };
  } catch (e) {
    return { area: 'mailbox', name, status: 'warn', detail: `${setting}; Graph cannot tell what the tenant allows (the probe failed: ${why(e)}). Compare with Get-Mailbox ${from} | fl MaxSendSize` };
  }
}

function finish(ctx: AppContext, checks: DoctorCheck[]): DoctorReport {
  return { ok: !checks.some((c) => c.status === 'fail'), checks, endpoints: ctx.integration };
}
