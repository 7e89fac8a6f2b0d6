import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { getParameter, listParameters, setParameter } from '../../src/app/parameters.ts';
import { AppError } from '../../src/errors.ts';

let t: TestContext;
const admin = { username: 'tester' };

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.cleanup());

async function refusal(name: string, value: string | null): Promise<AppError> {
  const err = await setParameter(t.ctx, admin, name, value).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('system parameters on a real database', () => {
  it('lists all 15 parameters with the guide defaults applied', async () => {
    const list = await listParameters(t.ctx);
    expect(list).toHaveLength(15);
    const byName = Object.fromEntries(list.map((p) => [p.definition.name, p]));
    expect(byName.APPTIN_OUTLOOK365.effective).toBe('N');
    expect(byName.CALI_POLL.effective).toBe('1');
    expect(byName.EMI_POLL.effective).toBeNull();
  });

  it('stores a valid EMI_POLL and records who set it', async () => {
    const p = await setParameter(t.ctx, admin, 'emi_poll', '5');
    expect(p.effective).toBe('5');
    const again = await getParameter(t.ctx, 'EMI_POLL');
    expect(again.value).toBe('5');
    expect(again.updatedBy).toBe('tester');
  });

  it('refuses a non-numeric poll time with a message naming the parameter', async () => {
    const err = await refusal('EMI_POLL', 'abc');
    expect(err.code).toBe('validation');
    expect(err.fields[0].field).toBe('EMI_POLL');
    expect(err.message).toMatch(/EMI_POLL/);
    expect((await getParameter(t.ctx, 'EMI_POLL')).value).toBe('5');
  });

  it('normalises INBOX_SERVER from the guide form and checks EMO_EMAILADDR against it', async () => {
    const server = await setParameter(t.ctx, admin, 'INBOX_SERVER', '@HousingOrganisation.co.uk');
    expect(server.value).toBe('housingorganisation.co.uk');
    const err = await refusal('EMO_EMAILADDR', 'noreply@elsewhere.org');
    expect(err.message).toMatch(/EMO_EMAILADDR/);
    const ok = await setParameter(t.ctx, admin, 'EMO_EMAILADDR', 'NoReply@housingorganisation.co.uk');
    expect(ok.value).toBe('noreply@housingorganisation.co.uk');
  });

  it('checks coded parameters against the appointment reasons table', async () => {
    const err = await refusal('APPT_OUTLOOK365_CANCEL_RSN', 'OUTC');
    expect(err.message).toMatch(/APPT_OUTLOOK365_CANCEL_RSN/);
    await t.ctx.db.insertInto('appointment_reasons').values({ code: 'OUTC', description: 'Cancelled in Outlook', kind: 'cancel' }).execute();
    expect((await setParameter(t.ctx, admin, 'APPT_OUTLOOK365_CANCEL_RSN', 'OUTC')).value).toBe('OUTC');
  });

  it('checks OUTLOOK365_ORACLE_TIMEZONE against the zones PostgreSQL knows', async () => {
    expect((await setParameter(t.ctx, admin, 'OUTLOOK365_ORACLE_TIMEZONE', 'Europe/London')).value).toBe('Europe/London');
    const err = await refusal('OUTLOOK365_ORACLE_TIMEZONE', 'Mars/Olympus_Mons');
    expect(err.message).toMatch(/OUTLOOK365_ORACLE_TIMEZONE/);
  });

  it('refuses to clear a required parameter', async () => {
    const err = await refusal('CALI_POLL', null);
    expect(err.message).toMatch(/CALI_POLL/);
  });

  it('answers not_found for a parameter the guide does not name', async () => {
    const err = await refusal('NOT_A_PARAMETER', 'Y');
    expect(err.code).toBe('not_found');
  });
});
