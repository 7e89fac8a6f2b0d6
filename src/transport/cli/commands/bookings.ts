import { DateTime } from 'luxon';
import { bookAppointment } from '../../../app/appointments/book-appointment.ts';
import { getBookingDetail, listBookings } from '../../../app/appointments/bookings.ts';
import { cancelBooking, completeBooking } from '../../../app/appointments/cancel-booking.ts';
import { calendarPushStatus, drainCalendarOutbox, replayCalendarChanges } from '../../../app/appointments/calendar-push.ts';
import { getDiary } from '../../../app/appointments/diaries.ts';
import { moveBooking } from '../../../app/appointments/move-booking.ts';
import { BOOKING_STATUSES, type BookingStatus } from '../../../domain/appointments/status.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

const usage = [
  'housing365 bookings list [--diary CODE] [--status S] [--json] | show REF [--json]',
  '                    book DIARY START WHO [--location L] [--notes N]      START like 2026-12-01T09:00 (diary time zone)',
  '                    move REF START --reason R | cancel REF --reason R | complete REF',
  '                    outlook-status | outlook-push | outlook-replay [REF]',
].join('\n');

const refArg = (v: string | undefined) => {
  if (!v || !/^\d+$/.test(v)) throw new UsageError(`an appointment reference number is needed\nusage: ${usage}`);
  return Number(v);
};

export const bookingsCommand: Command = {
  name: 'bookings',
  summary: 'Appointment bookings: book, move, cancel, history, and the push to Outlook',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { json: { type: 'boolean' }, diary: { type: 'string' }, status: { type: 'string' }, location: { type: 'string' }, notes: { type: 'string' }, reason: { type: 'string' }, tz: { type: 'string' } },
      usage,
    );
    const [sub, a, b, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    const when = (diaryZone: string, v: string | undefined) => {
      const t = DateTime.fromISO(v ?? '', { zone: values.tz ?? diaryZone });
      if (!t.isValid) throw new UsageError(`'${v}' is not a time like 2026-12-01T09:00\nusage: ${usage}`);
      return t.toJSDate();
    };
    switch (sub) {
      case 'list': {
        if (values.status && !BOOKING_STATUSES.includes(values.status as BookingStatus)) throw new UsageError(`--status is one of ${BOOKING_STATUSES.join(', ')}`);
        const rows = await withContext((ctx) => listBookings(ctx, { diaryCode: values.diary, status: values.status as BookingStatus | undefined }));
        if (values.json) return void console.log(JSON.stringify(rows, null, 2));
        return printTable(rows.map((r) => ({ ref: r.ref, diary: r.diaryCode, start: r.startsAt, status: r.status, who: r.who, outlook: r.outlook.state })), false);
      }
      case 'show': {
        const d = await withContext((ctx) => getBookingDetail(ctx, refArg(a)));
        if (values.json) return void console.log(JSON.stringify(d, null, 2));
        const bk = d.booking;
        console.log(`Appointment ${bk.ref}: ${bk.status}${bk.reasonCode ? ` (${bk.reasonCode})` : ''}\n  diary ${bk.diaryCode}, ${bk.startsAt.toISOString()} – ${bk.endsAt.toISOString()}\n  who: ${bk.who}${bk.location ? `\n  where: ${bk.location}` : ''}`);
        console.log(`  Outlook: ${bk.outlook.state}${bk.outlook.calendar ? ` in ${bk.outlook.calendar}` : ''}${bk.outlook.error ? ` – ${bk.outlook.error}` : ''}`);
        for (const h of d.history) console.log(`  ${h.at.toISOString()}  ${h.action}  by ${h.actor} (${h.source})${h.reasonCode ? `  reason ${h.reasonCode}` : ''}${h.note ? `  ${h.note}` : ''}`);
        return;
      }
      case 'book': {
        if (!a || !b || !rest.length) throw new UsageError(`bookings book needs DIARY START WHO\nusage: ${usage}`);
        const r = await withContext(async (ctx) => {
          const diary = await getDiary(ctx, a);
          return bookAppointment(ctx, cliActor(), { diaryCode: a, start: when(diary.timeZone, b), who: rest.join(' '), location: values.location, notes: values.notes });
        });
        return void console.log(`booked appointment ${r.ref} in ${r.diaryCode} at ${r.startsAt.toISOString()}`);
      }
      case 'move': {
        const ref = refArg(a);
        if (!b || !values.reason) throw new UsageError(`bookings move needs REF START --reason R\nusage: ${usage}`);
        const r = await withContext(async (ctx) => {
          const bk = (await getBookingDetail(ctx, ref)).booking;
          const diary = await getDiary(ctx, bk.diaryId);
          return moveBooking(ctx, cliActor(), ref, { start: when(diary.timeZone, b) }, values.reason, 'housing');
        });
        return void console.log(`moved appointment ${r.ref} to ${r.startsAt.toISOString()}`);
      }
      case 'cancel': {
        const ref = refArg(a);
        if (!values.reason) throw new UsageError(`bookings cancel needs REF --reason R\nusage: ${usage}`);
        await withContext((ctx) => cancelBooking(ctx, cliActor(), ref, values.reason, 'housing'));
        return void console.log(`cancelled appointment ${ref}`);
      }
      case 'complete': {
        const ref = refArg(a);
        await withContext((ctx) => completeBooking(ctx, cliActor(), ref));
        return void console.log(`completed appointment ${ref}`);
      }
      case 'outlook-status': {
        const s = await withContext((ctx) => calendarPushStatus(ctx));
        if (values.json) return void console.log(JSON.stringify(s, null, 2));
        console.log(`calendar push: ${s.summary.pending} waiting (${s.summary.due} due, ${s.summary.failing} retrying), ${s.summary.dead} dead, ${s.summary.done} done`);
        for (const d of s.dead) console.log(`  dead: appointment ${d.ref} after ${d.attempts} attempt(s): ${d.lastError ?? ''}`);
        return;
      }
      case 'outlook-push': {
        const r = await withContext((ctx) => drainCalendarOutbox(ctx));
        if (r.held) return void console.log(`not pushed: ${r.held}`);
        return void console.log(`pushed ${JSON.stringify(r.pushed)}; ${r.failed} failed (will retry), ${r.dead} dead`);
      }
      case 'outlook-replay': {
        const n = await withContext((ctx) => replayCalendarChanges(ctx, cliActor(), a ? refArg(a) : undefined));
        return void console.log(`${n} booking(s) queued for Outlook again`);
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
    }
  },
};
