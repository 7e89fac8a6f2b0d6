import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { runDoctor, type DoctorCheck, type DoctorReport } from '../../../app/email/doctor.ts';
import { sendEmail } from '../../../app/email/enqueue.ts';
import { AppError } from '../../../errors.ts';
import { ErrorSummary, Tag, TextInput } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { SetupNav } from './setup.tsx';

const COLOUR = { pass: 'green', fail: 'red', warn: 'yellow', skip: 'grey' } as const;
const LABEL = { pass: 'OK', fail: 'Problem', warn: 'Check', skip: 'Off' } as const;

/** The doctor's checks as a table: used here and (summarised) on the home page. */
export function DoctorTable({ checks }: { checks: DoctorCheck[] }): JSX.Element {
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-visually-hidden">Integration checks</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Area</th>
          <th scope="col" class="govuk-table__header">Check</th>
          <th scope="col" class="govuk-table__header">Result</th>
          <th scope="col" class="govuk-table__header">Detail</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {checks.map((c) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell" safe>{c.area}</td>
            <td class="govuk-table__cell" safe>{c.name}</td>
            <td class="govuk-table__cell">
              <Tag text={LABEL[c.status]} colour={COLOUR[c.status]} />
            </td>
            <td class="govuk-table__cell" safe>{c.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function IntegrationPage({ page, report, ctx, testTo, testError }: { page: PageInfo; report: DoctorReport; ctx: AppContext; testTo?: string; testError?: string }): JSX.Element {
  const e = ctx.integration;
  const rows: [string, string][] = e
    ? [
        ['Mode', e.mode === 'demo' ? 'Demo: the built-in Microsoft 365 emulator' : 'Microsoft 365 tenant'],
        ['Graph', e.graphBaseUrl],
        ['Sign-in authority', e.authority],
        ...(e.smtp ? ([['SMTP door for test mail', `${e.smtp.host} port ${e.smtp.port} (deliver mail to asb@ or complaints@housingorganisation.co.uk)`]] as [string, string][]) : []),
      ]
    : [['Mode', 'Graph is not connected in this process']];
  return (
    <Layout page={page}>
      <SetupNav current="integration" />
      <ErrorSummary errors={testError ? { to: testError } : {}} />
      <h1 class="govuk-heading-l">Microsoft 365</h1>
      <p class="govuk-body"><a class="govuk-link" href="/system-setup/integration/sync">Sync health</a>: each inbox and calendar, change notifications, 429s, dead letters and parked emails.</p>
      <dl class="govuk-summary-list">
        {rows.map(([k, v]) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key" safe>{k}</dt>
            <dd class="govuk-summary-list__value" safe>{v}</dd>
          </div>
        ))}
      </dl>
      <h2 class="govuk-heading-m">Checks</h2>
      <p class="govuk-body">
        {report.ok ? <Tag text="All checks pass" colour="green" /> : <Tag text="Something needs attention" colour="red" />} The same checks run from the command line with <code>housing365 doctor</code>. See docs/connect-microsoft-365.md to set up the Entra ID app.
      </p>
      <DoctorTable checks={report.checks} />
      <h2 class="govuk-heading-m">Send a test email</h2>
      <form method="post" action="/system-setup/integration/test-email" novalidate>
        <CsrfField token={page.csrfToken} />
        <TextInput id="to" name="to" label="To" hint="It goes through the outbox from EMO_EMAILADDR, like any other email; follow it on the Outbox page." type="email" value={testTo} error={testError} width="30" spellcheck={false} />
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
          Send a test email
        </button>
      </form>
    </Layout>
  );
}

export function registerIntegrationPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/system-setup/integration', { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const report = await runDoctor(ctx);
    return sendPage(reply, <IntegrationPage page={pageInfo(ctx, request, 'Microsoft 365', 'setup')} report={report} ctx={ctx} />);
  });
  app.post('/system-setup/integration/test-email', { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const raw = (request.body as Record<string, unknown> | undefined)?.to;
    const to = typeof raw === 'string' ? raw.trim() : '';
    try {
      const { id } = await sendEmail(ctx, request.principal!, {
        to: [to],
        subject: 'housing365 test email',
        text: `This is a test email from housing365, sent by ${request.principal!.displayName} through Outlook 365. No reply is needed.`,
        source: 'ui',
      });
      return reply.redirect(`/outbox/${id}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      const report = await runDoctor(ctx, { probeMailboxes: false, graphTimeoutMs: 5000 });
      return sendPage(reply, <IntegrationPage page={pageInfo(ctx, request, 'Microsoft 365', 'setup', true)} report={report} ctx={ctx} testTo={to} testError="Enter an email address, like name@example.org" />, 422);
    }
  });
}
