import { DateTime } from 'luxon';
import { diaryWeek } from '../../../app/appointments/bookings.ts';
import { addPattern, closeDay, createDiary, diaryOutlookProgress, generateDiarySlots, getDiary, listDiaries, listPatterns, updateDiary } from '../../../app/appointments/diaries.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';
import { formatLocal } from '../../../domain/time/wall-clock.ts';

const usage = [
  'housing365 diaries list [--json] | show CODE [--json] | week CODE [DATE]',
  '                   create CODE NAME --area PA [--owner U] [--tz ZONE] [--outlook ADDRESS]',
  '                   update CODE [--name N] [--outlook ADDRESS | --no-outlook] [--old-events remove|leave] [--owner U] [--tz ZONE]',
  '                   pattern CODE --days 1-5 --start 09:00 --end 17:00 --minutes 60 --units 1 [--valid-from DATE] [--valid-to DATE]',
  '                   generate CODE [--from DATE] [--for DAYS] | close CODE DATE REASON',
].join('\n');

/** "1-5" or "1,3,5" → [1,2,3,4,5] / [1,3,5] (1 = Monday). */
function weekdays(v: string): number[] {
  const out: number[] = [];
  for (const part of v.split(',')) {
    const [a, b] = part.split('-').map((x) => Number(x.trim()));
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw new UsageError(`--days: '${v}' is not like 1-5 or 1,3,5 (1 = Monday)`);
    for (let d = a; d <= (b ?? a); d++) out.push(d);
  }
  return out;
}

export const diariesCommand: Command = {
  name: 'diaries',
  summary: 'Appointment diaries: Outlook calendar mapping, slot patterns, slots, week view',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        json: { type: 'boolean' },
        area: { type: 'string' },
        owner: { type: 'string' },
        tz: { type: 'string' },
        name: { type: 'string' },
        outlook: { type: 'string' },
        'no-outlook': { type: 'boolean' },
        'old-events': { type: 'string' },
        days: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        minutes: { type: 'string' },
        units: { type: 'string' },
        'valid-from': { type: 'string' },
        'valid-to': { type: 'string' },
        from: { type: 'string' },
        for: { type: 'string' },
      },
      usage,
    );
    const [sub, code, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (sub !== 'list' && !code) throw new UsageError(`diaries ${sub} needs a diary CODE\nusage: ${usage}`);
    switch (sub) {
      case 'list': {
        const rows = await withContext((ctx) => listDiaries(ctx));
        return printTable(rows.map((d) => ({ code: d.code, name: d.name, productArea: d.productAreaCode, externalCalendar: d.externalCalendar, calendarAddress: d.calendarAddress ?? '' })), Boolean(values.json));
      }
      case 'show': {
        const r = await withContext(async (ctx) => ({ diary: await getDiary(ctx, code), patterns: await listPatterns(ctx, code), outlook: await diaryOutlookProgress(ctx, code) }));
        if (values.json) return void console.log(JSON.stringify(r, null, 2));
        const d = r.diary;
        console.log(`${d.code}  ${d.name}\n  product area: ${d.productAreaCode}\n  time zone: ${d.timeZone}\n  External Calendar: ${d.externalCalendar === 'OUTLOOK365' ? `Outlook 365 (${d.calendarAddress})` : 'None'}`);
        for (const p of r.patterns) console.log(`  pattern ${p.id}: days ${p.weekdays.join(',')} ${p.startTime}-${p.endTime} every ${p.slotMinutes} min, ${p.units} unit(s), from ${p.validFrom}${p.validTo ? ` to ${p.validTo}` : ''}`);
        console.log(`  Outlook push: ${r.outlook.done} sent, ${r.outlook.pending} waiting, ${r.outlook.dead} failed`);
        return;
      }
      case 'create': {
        if (!rest.length || !values.area) throw new UsageError(`diaries create needs CODE NAME --area PA\nusage: ${usage}`);
        const d = await withContext((ctx) =>
          createDiary(ctx, cliActor(), {
            code,
            name: rest.join(' '),
            productAreaCode: values.area!,
            owner: values.owner,
            timeZone: values.tz,
            externalCalendar: values.outlook ? 'OUTLOOK365' : 'NONE',
            calendarAddress: values.outlook,
          }),
        );
        return void console.log(`created diary ${d.code}${d.calendarAddress ? ` → Outlook calendar ${d.calendarAddress}` : ''}`);
      }
      case 'update': {
        const r = await withContext((ctx) =>
          updateDiary(ctx, cliActor(), code, {
            name: values.name,
            owner: values.owner,
            timeZone: values.tz,
            ...(values['no-outlook'] ? { externalCalendar: 'NONE' as const, calendarAddress: null } : values.outlook ? { externalCalendar: 'OUTLOOK365' as const, calendarAddress: values.outlook } : {}),
            outlookOldEvents: values['old-events'] as 'remove' | undefined,
          }),
        );
        return void console.log(`updated diary ${r.diary.code}${r.queued ? `; ${r.queued} booking(s) queued for Outlook` : ''}`);
      }
      case 'pattern': {
        const p = await withContext((ctx) =>
          addPattern(ctx, cliActor(), code, {
            weekdays: weekdays(values.days ?? '1-5'),
            startTime: values.start ?? '09:00',
            endTime: values.end ?? '17:00',
            slotMinutes: Number(values.minutes ?? 60),
            units: Number(values.units ?? 1),
            validFrom: values['valid-from'] ?? DateTime.now().toISODate()!,
            validTo: values['valid-to'] ?? null,
          }),
        );
        return void console.log(`added pattern ${p.id} to ${code}`);
      }
      case 'generate': {
        const r = await withContext((ctx) => generateDiarySlots(ctx, cliActor(), code, { from: values.from, days: values.for ? Number(values.for) : undefined }));
        return void console.log(`${r.added} new slot(s) from ${r.from} to ${r.to}`);
      }
      case 'close': {
        const [day, ...reason] = rest;
        if (!day || !reason.length) throw new UsageError(`diaries close needs CODE DATE REASON\nusage: ${usage}`);
        const r = await withContext((ctx) => closeDay(ctx, cliActor(), code, { day, reason: reason.join(' ') }));
        return void console.log(`closed ${day}: ${r.removed} free slot(s) removed, ${r.keptWithBookings} booked slot(s) kept`);
      }
      case 'week': {
        const w = await withContext((ctx) => diaryWeek(ctx, code, rest[0]));
        if (values.json) return void console.log(JSON.stringify(w, null, 2));
        const fmt = (d: Date) => formatLocal(d, w.diary.timeZone, 'HH:mm');
        for (const day of w.days) {
          console.log(day.label);
          for (const s of day.slots) console.log(`  ${fmt(s.startsAt)}-${fmt(s.endsAt)}  ${s.past ? 'past' : `${s.free}/${s.units} free`}  ${s.bookings.map((b) => b.ref).join(' ')}`);
        }
        return;
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
    }
  },
};
