import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { getIntegrationStatus } from '../../../app/integration.ts';
import { runDoctor, type DoctorReport } from '../../../app/email/doctor.ts';
import { DoctorTable } from './integration.tsx';
import { getLicenceState } from '../../../app/licence.ts';
import { listParameters } from '../../../app/parameters.ts';
import { requirePageUser } from '../auth.ts';
import { Tag } from './components.tsx';
import { Layout, pageInfo, sendPage } from './layout.tsx';
import { ComplaintTable } from './complaints.tsx';
import { listComplaints, type ComplaintListItem } from '../../../app/complaints/view.ts';

const SWITCHES = ['OUTLOOK365', 'EMAILOUT_OUTLOOK365', 'EMAILIN_OUTLOOK365', 'APPTOUT_OUTLOOK365', 'APPTIN_OUTLOOK365'];

type Status = Awaited<ReturnType<typeof getIntegrationStatus>>;
type Licence = Awaited<ReturnType<typeof getLicenceState>>;
type Views = Awaited<ReturnType<typeof listParameters>>;

const problemText = (p: unknown): string => (typeof p === 'string' ? p : String((p as { message?: string }).message ?? JSON.stringify(p)));
const date = (d: Date | string | undefined) => (d ? new Date(d).toISOString().slice(0, 10) : '');

function LicenceSummary({ licence }: { licence: Licence }): JSX.Element {
  const outlook = licence.valid && licence.features.includes('OUTLOOK365');
  return (
    <dl class="govuk-summary-list">
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">OUTLOOK365 licence</dt>
        <dd class="govuk-summary-list__value">
          {outlook ? <Tag text="Licensed" colour="green" /> : <Tag text="Not licensed" colour="red" />}
          {licence.problem ? (
            <p class="govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0" safe>
              {licence.problem}
            </p>
          ) : (
            ''
          )}
        </dd>
      </div>
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Licensed to</dt>
        <dd class="govuk-summary-list__value" safe>
          {licence.customer ? `${licence.customer}${licence.expiresAt ? `, until ${date(licence.expiresAt)}` : ''}` : 'No licence installed'}
        </dd>
      </div>
      <div class="govuk-summary-list__row">
        <dt class="govuk-summary-list__key">Features</dt>
        <dd class="govuk-summary-list__value" safe>
          {licence.features.length > 0 ? licence.features.join(', ') : 'None'}
        </dd>
      </div>
    </dl>
  );
}

function SwitchTable({ views, isAdmin }: { views: Views; isAdmin: boolean }): JSX.Element {
  const switches = SWITCHES.map((name) => views.find((v) => v.definition.name === name)).filter((v) => v !== undefined);
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--m">Switches</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Parameter</th>
          <th scope="col" class="govuk-table__header">Description</th>
          <th scope="col" class="govuk-table__header">Value</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {switches.map((v) => (
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header">
              {isAdmin ? (
                <a class="govuk-link" href={`/system-setup/parameters/${v.definition.name}`} safe>
                  {v.definition.name}
                </a>
              ) : (
                <span safe>{v.definition.name}</span>
              )}
            </th>
            <td class="govuk-table__cell" safe>
              {v.definition.description}
            </td>
            <td class="govuk-table__cell">{v.effective === 'Y' ? <Tag text="Y – on" colour="green" /> : <Tag text={v.effective === 'N' ? 'N – off' : 'Not set – off'} colour="grey" />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FlowTable({ status }: { status: Status }): JSX.Element {
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--m">Flows</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Flow</th>
          <th scope="col" class="govuk-table__header">Switch</th>
          <th scope="col" class="govuk-table__header">State</th>
          <th scope="col" class="govuk-table__header">Why</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {status.flows.map((f) => (
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header" safe>
              {f.label}
            </th>
            <td class="govuk-table__cell" safe>
              {f.switchName}
            </td>
            <td class="govuk-table__cell">{f.running ? <Tag text="Running" colour="green" /> : <Tag text="Not running" colour="red" />}</td>
            <td class="govuk-table__cell">
              {f.reasons.length === 0 ? (
                ''
              ) : (
                <ul class="govuk-list govuk-!-margin-bottom-0">
                  {f.reasons.map((r) => (
                    <li safe>{problemText(r)}</li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HomePage(props: { page: ReturnType<typeof pageInfo>; status: Status; licence: Licence; views: Views; doctor: DoctorReport; complaints: ComplaintListItem[] }): JSX.Element {
  const { status } = props;
  const isAdmin = props.page.principal?.role === 'admin';
  return (
    <Layout page={props.page}>
      {props.complaints.length ? <ComplaintTable items={props.complaints} caption="My complaints, soonest deadline first" id="my-complaints" /> : ''}
      <h1 class="govuk-heading-l">Outlook 365 integration</h1>
      {status.problems.length > 0 ? (
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <div class="govuk-warning-text__text">
            <span class="govuk-visually-hidden">Warning</span>
            Parameter settings that stop the integration working:
            <ul class="govuk-list govuk-list--bullet govuk-!-margin-top-2">
              {status.problems.map((p) => (
                <li safe>{problemText(p)}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : (
        ''
      )}
      <h2 class="govuk-heading-m">Licence</h2>
      <LicenceSummary licence={props.licence} />
      <SwitchTable views={props.views} isAdmin={isAdmin} />
      <FlowTable status={status} />
      <h2 class="govuk-heading-m">Checks</h2>
      <DoctorTable checks={props.doctor.checks} />
      <p class="govuk-body">
        {isAdmin ? <><a class="govuk-link" href="/system-setup/integration">All Microsoft 365 checks</a>, including each mailbox and calendar (also </> : 'Each mailbox and calendar is checked by an administrator ('}<code>housing365 doctor</code>).
      </p>
      <h2 class="govuk-heading-m">Each flow in detail</h2>
      <ul class="govuk-list govuk-list--bullet">
        <li><a class="govuk-link" href="/outbox">Outbox</a>: outbound email, queued, held, sent, failed and dead, with replay.</li>
        <li><a class="govuk-link" href="/integration/inboxes">Inbound email</a>: each inbox's poll, last run, items, errors and cursor age; start / stop / run now; emails that need attention.</li>
        <li><a class="govuk-link" href="/integration/calendar-push">Outbound calendars</a>: bookings waiting to reach Outlook, failures and replay.</li>
        <li><a class="govuk-link" href="/integration/calendars">Inbound calendars</a>: each Outlook calendar's last sync, changes applied and refused, and calendar polling start / stop.</li>
      </ul>
    </Layout>
  );
}

export function registerHomePage(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', { preHandler: requirePageUser() }, async (request, reply) => {
    const [status, licence, views, doctor] = await Promise.all([getIntegrationStatus(ctx), getLicenceState(ctx), listParameters(ctx), runDoctor(ctx, { probeMailboxes: false, graphTimeoutMs: 5000 })]);
    const complaints = request.principal!.kind === 'user' ? (await listComplaints(ctx, request.principal!, { scope: 'me', limit: 10 })).items : [];
    return sendPage(reply, <HomePage page={pageInfo(ctx, request, 'Home', 'home')} status={status} licence={licence} views={views} doctor={doctor} complaints={complaints} />);
  });
}
