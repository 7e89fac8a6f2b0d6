import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { applyAppointmentDemoDefaults } from '../../src/app/appointments/demo-defaults.ts';
import { extendAllDiarySlots, listDiaries } from '../../src/app/appointments/diaries.ts';
import { outlookReasonProblems } from '../../src/app/appointments/reasons.ts';
import { freeSlots } from '../../src/app/appointments/bookings.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.cleanup());

describe('appointment demo defaults', () => {
  it('sets up the guide’s two diaries on one calendar, once', async () => {
    await setParameter(t.ctx, { username: 'admin' }, 'INBOX_SERVER', 'housingorganisation.co.uk');
    const done = await applyAppointmentDemoDefaults(t.ctx);
    expect(done).toContain('APPT_OUTLOOK365_MOVE_RSN=OUTMOVE');
    const diaries = await listDiaries(t.ctx);
    expect(diaries.map((d) => d.calendarAddress)).toEqual(['sam.patel@housingorganisation.co.uk', 'sam.patel@housingorganisation.co.uk']);
    expect((await freeSlots(t.ctx, 'RENTS')).length).toBeGreaterThan(0);
    expect(await outlookReasonProblems(t.ctx)).toEqual([]);
    expect(await applyAppointmentDemoDefaults(t.ctx)).toEqual([]);
    // The daily horizon job adds nothing when the slots already reach eight weeks ahead, and more when asked for more.
    expect((await extendAllDiarySlots(t.ctx)).every((r) => r.added === 0)).toBe(true);
    expect((await extendAllDiarySlots(t.ctx, 70)).every((r) => r.added > 0)).toBe(true);
  });
});
