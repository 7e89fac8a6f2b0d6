// planPoll for one calendar — the check every calendar-sync job makes before its run — reads that
// calendar's rows only. It used to read every mapped calendar and every calendar_sync_state row and
// filter in memory, so a poll cycle over N calendars read N² rows (bench P4: 1,000 calendars took
// 58 s a cycle on one worker, 17 s after the fix).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { startInboundWorld, demoMailboxes, ADMIN, type InboundWorld } from './world.ts';
import { planPoll, requestCalendarRun } from '../../src/app/calendar-sync/poll-calendars.ts';
import type { AppContext } from '../../src/app/context.ts';

let w: InboundWorld;
const sam = demoMailboxes.officers[0].toLowerCase();
const alex = demoMailboxes.officers[1].toLowerCase();

/** Every `calendar` value in the rows the database returned, through a context that records them. */
function recording(ctx: AppContext): { ctx: AppContext; calendarsRead: string[] } {
  const calendarsRead: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => args.node,
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      for (const row of args.result.rows) if (typeof row.calendar === 'string') calendarsRead.push(row.calendar);
      return args.result;
    },
  };
  return { ctx: { ...ctx, db: ctx.db.withPlugin(plugin) }, calendarsRead };
}

beforeAll(async () => {
  w = await startInboundWorld();
  // Both calendars have run once (calendar_sync_state rows for both).
  const first = await w.poll({ force: true });
  expect(first.results.map((r) => r.calendar).sort()).toEqual([alex, sam].sort());
});
afterAll(async () => {
  await w?.stop();
});

describe('planPoll for one calendar', () => {
  it('forced (a sync job): the calendar is due, and no other calendar is read', async () => {
    const r = recording(w.t.ctx);
    const plan = await planPoll(r.ctx, { calendar: sam, force: true });
    expect(plan.held).toBeUndefined();
    expect(plan.due).toEqual([sam]);
    expect(r.calendarsRead.length).toBeGreaterThan(0);
    expect(new Set(r.calendarsRead)).toEqual(new Set([sam]));
  });

  it('not forced: CALI_POLL and run-now decided from its own state only', async () => {
    let r = recording(w.t.ctx);
    // Polled a moment ago with CALI_POLL = 1 minute: not due.
    expect((await planPoll(r.ctx, { calendar: sam })).due).toEqual([]);
    expect(new Set(r.calendarsRead)).toEqual(new Set([sam]));

    // Run-now of the other calendar does not make this one due; its own does.
    await requestCalendarRun(w.t.ctx, ADMIN, alex);
    r = recording(w.t.ctx);
    expect((await planPoll(r.ctx, { calendar: sam })).due).toEqual([]);
    expect(new Set(r.calendarsRead)).toEqual(new Set([sam]));
    await requestCalendarRun(w.t.ctx, ADMIN, sam);
    expect((await planPoll(w.t.ctx, { calendar: sam })).due).toEqual([sam]);

    // The tick's plan over every calendar still sees both requests.
    expect((await planPoll(w.t.ctx)).due.sort()).toEqual([alex, sam].sort());
  });

  it('a calendar no diary maps is never due', async () => {
    expect((await planPoll(w.t.ctx, { calendar: 'nobody@example.org', force: true })).due).toEqual([]);
  });
});
