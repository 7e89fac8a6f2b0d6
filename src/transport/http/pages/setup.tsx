import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { requirePageAdmin } from './errors.tsx';
import { Layout, pageInfo, sendPage } from './layout.tsx';

export type SetupArea = 'complaints' | 'task-manager' | 'appointments' | 'parameters' | 'frvs' | 'users' | 'audit' | 'sign-in' | 'email-templates' | 'integration';

const AREAS: Array<{ area: SetupArea; href: string; text: string; description: string }> = [
  { area: 'parameters', href: '/system-setup/parameters', text: 'System parameters', description: 'The 15 parameters that switch the Outlook 365 integration on and configure it.' },
  { area: 'frvs', href: '/system-setup/frvs', text: 'First reference values', description: 'Inboxes to read (EXCHANGE_INBOX) and attachment types to keep (EMAIL_ATT_FILETYPE).' },
  { area: 'appointments', href: '/system-setup/appointments/diaries', text: 'Appointments', description: 'Estates › Appointments: appointment diaries (with their Outlook 365 calendars), slot patterns, appointment reasons and product areas.' },
  { area: 'task-manager', href: '/system-setup/task-manager', text: 'Task Manager', description: 'Workflow categories (.wft files), job groups, job types, event types and event queries for inbound email (guide §2.2.4–2.2.5).' },
  { area: 'complaints', href: '/system-setup/complaints', text: 'Complaints', description: 'Complaint job types on the Housing Ombudsman\'s Complaint Handling Code clock: timescales per stage, the nation whose bank holidays count, bank-holiday files, the daily reminder.' },
  { area: 'email-templates', href: '/system-setup/email-templates', text: 'Email templates', description: 'Outbound email templates in Liquid (appointment confirmation, moved, cancelled, acknowledgement …), with preview.' },
  { area: 'integration', href: '/system-setup/integration', text: 'Microsoft 365', description: 'Where Graph is (tenant or the demo emulator), and end-to-end checks of the connection, mailboxes and calendars.' },
  { area: 'users', href: '/system-setup/users', text: 'Users and teams', description: 'Staff accounts, their roles, and the teams that tasks are given to.' },
  { area: 'sign-in', href: '/system-setup/sign-in', text: 'Staff sign-in', description: 'Sign in with Microsoft: Entra groups mapped to roles and teams; whether password sign-in stays on.' },
  { area: 'audit', href: '/system-setup/audit', text: 'Audit trail', description: 'Who changed what and when, and every sign-in; searchable and exportable as CSV.' },
];

/** MOJ sub navigation shown on every System Setup page. */
export function SetupNav({ current }: { current: SetupArea }): JSX.Element {
  return (
    <nav class="moj-sub-navigation" aria-label="System Setup">
      <ul class="moj-sub-navigation__list">
        {AREAS.map((a) => (
          <li class="moj-sub-navigation__item">
            <a class="moj-sub-navigation__link" href={a.href} aria-current={a.area === current ? 'page' : undefined}>
              {a.text}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function registerSetupIndex(app: FastifyInstance, ctx: AppContext): void {
  app.get('/system-setup', { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    return sendPage(
      reply,
      <Layout page={pageInfo(ctx, request, 'System Setup', 'setup')}>
        <h1 class="govuk-heading-l">System Setup</h1>
        <ul class="govuk-list">
          {AREAS.map((a) => (
            <li class="govuk-!-margin-bottom-4">
              <a class="govuk-link govuk-link--no-visited-state govuk-!-font-weight-bold" href={a.href}>
                {a.text}
              </a>
              <p class="govuk-body govuk-!-margin-bottom-0">{a.description}</p>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });
}
