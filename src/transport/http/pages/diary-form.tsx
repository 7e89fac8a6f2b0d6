import type { Diary } from '../../../app/appointments/diaries.ts';
import type { ProductArea } from '../../../app/appointments/product-areas.ts';
import { Radios, Select, TextInput, type FieldErrors } from './components.tsx';
import { str } from './appointment-kit.tsx';

// An appointment diary's form (guide §2.3): its fields as the page holds them, read from a posted
// body, turned into the app's input, and the inputs themselves (shared by create and update).

export const DIARIES_PATH = '/system-setup/appointments/diaries';

export interface DiaryForm {
  code: string;
  name: string;
  productAreaCode: string;
  owner: string;
  timeZone: string;
  externalCalendar: string;
  calendarAddress: string;
  outlookOldEvents: string;
}
export const formOf = (d: Diary): DiaryForm => ({
  code: d.code,
  name: d.name,
  productAreaCode: d.productAreaCode,
  owner: d.owner ?? '',
  timeZone: d.timeZone,
  externalCalendar: d.externalCalendar,
  calendarAddress: d.calendarAddress ?? '',
  outlookOldEvents: d.outlookOldEvents,
});

export const diaryForm = (body: unknown): DiaryForm => ({
  code: str(body, 'code'),
  name: str(body, 'name'),
  productAreaCode: str(body, 'productAreaCode'),
  owner: str(body, 'owner'),
  timeZone: str(body, 'timeZone') || 'Europe/London',
  externalCalendar: str(body, 'externalCalendar') || 'NONE',
  calendarAddress: str(body, 'calendarAddress'),
  outlookOldEvents: str(body, 'outlookOldEvents') || 'remove',
});
export const toInput = (f: DiaryForm) => ({
  name: f.name,
  productAreaCode: f.productAreaCode,
  owner: f.owner || null,
  timeZone: f.timeZone,
  externalCalendar: f.externalCalendar as 'NONE',
  calendarAddress: f.calendarAddress || null,
  outlookOldEvents: f.outlookOldEvents as 'remove',
});

export function DiaryFields({ form, errors, areas, isNew }: { form: DiaryForm; errors: FieldErrors; areas: ProductArea[]; isNew: boolean }): JSX.Element {
  return (
    <>
      {isNew ? <TextInput id="code" name="code" label="Code" hint="Up to 20 letters, digits or underscores, e.g. RENTS" value={form.code} error={errors.code} width="10" spellcheck={false} /> : ''}
      <TextInput id="name" name="name" label="Name" value={form.name} error={errors.name} />
      <Select id="productAreaCode" name="productAreaCode" label="Product area" error={errors.productAreaCode} value={form.productAreaCode} items={[{ value: '', text: 'Choose a product area' }, ...areas.map((a) => ({ value: a.code, text: `${a.name} (${a.code})` }))]} />
      <TextInput id="owner" name="owner" label="Owner (optional)" value={form.owner} error={errors.owner} width="20" />
      <TextInput id="timeZone" name="timeZone" label="Time zone" hint="Where the diary's times are, e.g. Europe/London" value={form.timeZone} error={errors.timeZone} width="20" />
      <Select id="externalCalendar" name="externalCalendar" label="External Calendar" error={errors.externalCalendar} value={form.externalCalendar} items={[{ value: 'NONE', text: 'None' }, { value: 'OUTLOOK365', text: 'Outlook 365' }]} />
      <TextInput
        id="calendarAddress"
        name="calendarAddress"
        type="email"
        label="Calendar Address"
        hint="With Outlook 365: the email address of the user's Outlook calendar, in your organisation's domain (system parameter INBOX_SERVER). Several diaries may use the same address."
        value={form.calendarAddress}
        error={errors.calendarAddress}
        spellcheck={false}
      />
      <Radios
        id="outlookOldEvents"
        name="outlookOldEvents"
        legend="When Outlook 365 is turned off or the Calendar Address changes"
        value={form.outlookOldEvents}
        error={errors.outlookOldEvents}
        items={[
          { value: 'remove', text: 'Remove the events already put in Outlook' },
          { value: 'leave', text: 'Leave them in Outlook (they are no longer kept in step)' },
        ]}
      />
    </>
  );
}
