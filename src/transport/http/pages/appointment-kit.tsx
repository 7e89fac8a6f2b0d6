// Small pieces shared by the appointment pages: form-value readers, checkboxes, a textarea, time
// formatting in the diary's zone, status tags, and the Appointments set-up sub-navigation.
import type { BookingStatus } from '../../../domain/appointments/status.ts';
import { STATUS_LABELS } from '../../../domain/appointments/status.ts';
import { Tag } from './components.tsx';
import { formatLocal } from '../../../domain/time/wall-clock.ts';

export const str = (body: unknown, key: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
};
export const strs = (body: unknown, key: string): string[] => {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};
export const query = (request: { query: unknown }, key: string): string | undefined => {
  const v = (request.query as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

// A time of the repeated hour when the clocks go back is shown with its zone ("01:00 BST", "01:00 GMT").
export const bookingUrl = (ref: number) => `/appointments/bookings/${ref}`;
export const fmtTime = (at: Date, zone: string) => formatLocal(at, zone, 'HH:mm');
export const fmtDateTime = (at: Date | null, zone = 'Europe/London') => (at ? formatLocal(at, zone, 'ccc d LLL yyyy, HH:mm') : '');

const STATUS_COLOURS: Record<BookingStatus, 'green' | 'blue' | 'red' | 'grey'> = { BOOKED: 'green', MOVED: 'blue', CAN: 'red', COMPLETED: 'grey' };
export function StatusTag({ status }: { status: BookingStatus }): JSX.Element {
  return <Tag text={`${STATUS_LABELS[status]} (${status})`} colour={STATUS_COLOURS[status]} />;
}

const SYNC: Record<string, { text: string; colour: 'green' | 'yellow' | 'red' | 'grey' | 'blue' }> = {
  none: { text: 'Not in Outlook', colour: 'grey' },
  pending: { text: 'Waiting to be sent', colour: 'blue' },
  synced: { text: 'In step', colour: 'green' },
  failed: { text: 'Failing, will retry', colour: 'yellow' },
  dead: { text: 'Failed, needs replay', colour: 'red' },
  held: { text: 'Held', colour: 'grey' },
};
export function SyncTag({ state }: { state: string }): JSX.Element {
  const s = SYNC[state] ?? { text: state, colour: 'grey' as const };
  return <Tag text={s.text} colour={s.colour} />;
}

export function Checkboxes(props: { id: string; name: string; legend: string; hint?: string; error?: string; items: Array<{ value: string; text: string }>; values: string[] }): JSX.Element {
  return (
    <div class={['govuk-form-group', props.error && 'govuk-form-group--error']}>
      <fieldset class="govuk-fieldset" aria-describedby={props.hint ? `${props.id}-hint` : undefined}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s" safe>
          {props.legend}
        </legend>
        {props.hint ? (
          <div id={`${props.id}-hint`} class="govuk-hint" safe>
            {props.hint}
          </div>
        ) : (
          ''
        )}
        {props.error ? (
          <p id={`${props.id}-error`} class="govuk-error-message">
            <span class="govuk-visually-hidden">Error:</span> <span safe>{props.error}</span>
          </p>
        ) : (
          ''
        )}
        <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
          {props.items.map((item, i) => {
            const id = i === 0 ? props.id : `${props.id}-${i + 1}`;
            return (
              <div class="govuk-checkboxes__item">
                <input class="govuk-checkboxes__input" id={id} name={props.name} type="checkbox" value={item.value} checked={props.values.includes(item.value)} />
                <label class="govuk-label govuk-checkboxes__label" for={id} safe>
                  {item.text}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Textarea(props: { id: string; name: string; label: string; value?: string | null; error?: string; hint?: string }): JSX.Element {
  return (
    <div class={['govuk-form-group', props.error && 'govuk-form-group--error']}>
      <label class="govuk-label" for={props.id} safe>
        {props.label}
      </label>
      {props.hint ? (
        <div id={`${props.id}-hint`} class="govuk-hint" safe>
          {props.hint}
        </div>
      ) : (
        ''
      )}
      {props.error ? (
        <p id={`${props.id}-error`} class="govuk-error-message">
          <span class="govuk-visually-hidden">Error:</span> <span safe>{props.error}</span>
        </p>
      ) : (
        ''
      )}
      <textarea class={['govuk-textarea', props.error && 'govuk-textarea--error']} id={props.id} name={props.name} rows="4" safe>
        {props.value ?? ''}
      </textarea>
    </div>
  );
}

export type AppointmentSetupArea = 'product-areas' | 'reasons' | 'diaries' | 'event';
const SETUP: Array<{ area: AppointmentSetupArea; href: string; text: string }> = [
  { area: 'diaries', href: '/system-setup/appointments/diaries', text: 'Appointment Diaries' },
  { area: 'reasons', href: '/system-setup/appointments/reasons', text: 'Appointment Reasons' },
  { area: 'product-areas', href: '/system-setup/appointments/product-areas', text: 'Product Areas' },
  { area: 'event', href: '/system-setup/appointments/outlook-event', text: 'Outlook Event' },
];

/** Estates › Appointments breadcrumbs and sub-navigation on the appointment set-up pages. */
export function AppointmentSetupNav({ current }: { current: AppointmentSetupArea }): JSX.Element {
  return (
    <>
      <nav class="govuk-breadcrumbs" aria-label="Breadcrumb">
        <ol class="govuk-breadcrumbs__list">
          <li class="govuk-breadcrumbs__list-item">
            <a class="govuk-breadcrumbs__link" href="/system-setup">
              System Setup
            </a>
          </li>
          <li class="govuk-breadcrumbs__list-item">Estates</li>
          <li class="govuk-breadcrumbs__list-item">Appointments</li>
        </ol>
      </nav>
      <nav class="moj-sub-navigation" aria-label="Appointments set-up">
        <ul class="moj-sub-navigation__list">
          {SETUP.map((a) => (
            <li class="moj-sub-navigation__item">
              <a class="moj-sub-navigation__link" href={a.href} aria-current={a.area === current ? 'page' : undefined}>
                {a.text}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
