// The Outlook event's subject and body templates (LiquidJS), editable by an administrator. A template
// is checked by rendering it for a sample booking before it is saved, so a typo cannot stop the push.
import { readEventTemplates, writeEventTemplate } from '../../adapters/db/appointments-settings.ts';
import { DEFAULT_EVENT_BODY, DEFAULT_EVENT_SUBJECT, renderEventText } from '../../domain/appointments/event.ts';
import { AppError } from '../../errors.ts';
import type { Actor, AppContext } from '../context.ts';

export interface EventTemplates {
  subject: string;
  body: string;
  /** Whether each is the built-in default. */
  isDefault: { subject: boolean; body: boolean };
}

export const SAMPLE_FIELDS = { ref: 4376, diary: { code: 'RENTS', name: 'Rents Appointments' }, reason: 'Tenant asked to move', location: '12 High Street', status: 'BOOKED' };

export async function getEventTemplates(ctx: AppContext): Promise<EventTemplates> {
  const t = await readEventTemplates(ctx.db);
  return { subject: t.subject ?? DEFAULT_EVENT_SUBJECT, body: t.body ?? DEFAULT_EVENT_BODY, isDefault: { subject: t.subject === null, body: t.body === null } };
}

function checked(which: 'subject' | 'body', text: string): string | null {
  const value = text.trim() === '' ? null : which === 'subject' ? text.trim() : text.replace(/\r\n/g, '\n');
  let sample: string;
  try {
    sample = renderEventText(value ?? (which === 'subject' ? DEFAULT_EVENT_SUBJECT : DEFAULT_EVENT_BODY), SAMPLE_FIELDS);
  } catch (err) {
    throw AppError.validation(which, `The ${which} template cannot be used: ${(err as Error).message.split('\n')[0]}`);
  }
  if (which === 'subject' && (sample.length === 0 || sample.length > 255 || /[\r\n]/.test(sample))) {
    throw AppError.validation('subject', 'The subject must come out as one line of 1 to 255 characters');
  }
  return value;
}

/** Saves both templates, or neither; an empty one goes back to the default. */
export async function setEventTemplates(ctx: AppContext, actor: Actor, input: { subject: string; body: string }): Promise<EventTemplates> {
  const subject = checked('subject', input.subject);
  const body = checked('body', input.body);
  await ctx.db.transaction().execute(async (trx) => {
    await writeEventTemplate(trx, 'subject', subject);
    await writeEventTemplate(trx, 'body', body);
  });
  ctx.logger.info({ by: actor.username, subjectDefault: subject === null, bodyDefault: body === null }, 'Outlook event templates changed');
  return getEventTemplates(ctx);
}
