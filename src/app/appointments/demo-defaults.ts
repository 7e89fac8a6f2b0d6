/**
 * Demo mode: appointments to play with on a first start — two product areas, the reasons (including
 * the two the Outlook parameters need, linked to all product areas), and the guide's example of two
 * diaries ("Rents Appointments" and "Estate Appointments") sharing one officer's Outlook calendar,
 * with Mon–Fri 09:00–17:00 hour slots for eight weeks. Only when no product area and no diary exist
 * yet, so an admin's set-up is never touched. Call after INBOX_SERVER is set (the calendar address is
 * checked against it).
 */
import { demoMailboxes } from '../../adapters/graph/demo-tenant.ts';
import { selectDiaries } from '../../adapters/db/diaries.ts';
import { selectProductAreas } from '../../adapters/db/product-areas.ts';
import { SYSTEM_ACTOR, type AppContext } from '../context.ts';
import { parameterValues, setParameter } from '../parameters.ts';
import { addPattern, createDiary, generateDiarySlots } from './diaries.ts';
import { addProductArea } from './product-areas.ts';
import { addReason } from './reasons.ts';

export async function applyAppointmentDemoDefaults(ctx: AppContext): Promise<string[]> {
  if ((await selectProductAreas(ctx.db)).length > 0 || (await selectDiaries(ctx.db)).length > 0) return [];
  const done: string[] = [];
  const areas = ['RENTS', 'ESTATES'];
  await addProductArea(ctx, SYSTEM_ACTOR, { code: 'RENTS', name: 'Rents' });
  await addProductArea(ctx, SYSTEM_ACTOR, { code: 'ESTATES', name: 'Estates' });
  const reasons: Array<[string, string, 'book' | 'move' | 'cancel']> = [
    ['TENREQ', 'Tenant asked to move it', 'move'],
    ['OFFREQ', 'Officer unavailable', 'move'],
    ['TENCAN', 'Tenant cancelled', 'cancel'],
    ['OUTMOVE', 'Moved in Outlook', 'move'],
    ['OUTCAN', 'Cancelled in Outlook', 'cancel'],
  ];
  for (const [code, description, kind] of reasons) await addReason(ctx, SYSTEM_ACTOR, { code, description, kind, productAreas: areas });
  done.push('product areas RENTS, ESTATES', `appointment reasons ${reasons.map((r) => r[0]).join(', ')}`);
  const values = await parameterValues(ctx);
  for (const [name, code] of [['APPT_OUTLOOK365_CANCEL_RSN', 'OUTCAN'], ['APPT_OUTLOOK365_MOVE_RSN', 'OUTMOVE']] as const) {
    if (!values[name]) {
      await setParameter(ctx, SYSTEM_ACTOR, name, code);
      done.push(`${name}=${code}`);
    }
  }
  const calendar = demoMailboxes.officers[0];
  const mapped = Boolean(values.INBOX_SERVER);
  for (const [code, name, area] of [['RENTS', 'Rents Appointments', 'RENTS'], ['ESTATES', 'Estate Appointments', 'ESTATES']]) {
    await createDiary(ctx, SYSTEM_ACTOR, { code, name, productAreaCode: area, owner: 'Sam Patel', ...(mapped ? { externalCalendar: 'OUTLOOK365' as const, calendarAddress: calendar } : {}) });
    await addPattern(ctx, SYSTEM_ACTOR, code, { weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00', slotMinutes: 60, units: 2, validFrom: new Date().toISOString().slice(0, 10) });
    await generateDiarySlots(ctx, SYSTEM_ACTOR, code, { days: 56 });
  }
  done.push(`diaries RENTS and ESTATES${mapped ? ` → Outlook calendar ${calendar}` : ''}`);
  return done;
}
