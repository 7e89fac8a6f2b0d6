import { describe, expect, it } from 'vitest';
import { integrationStatus, type LicenceState } from './integration-status.ts';
import { COMPLETE_OUTLOOK365_PARAMETERS } from './complete-parameters.fixture.ts';

const LICENSED: LicenceState = { valid: true, features: ['OUTLOOK365', 'TASK_MANAGER'], customer: 'Acme Housing', expiresAt: new Date('2027-01-31T00:00:00Z') };

const COMPLETE = COMPLETE_OUTLOOK365_PARAMETERS;

const reasons = (s: ReturnType<typeof integrationStatus>) => Object.fromEntries(s.flows.map((f) => [f.flow, f.reasons]));

describe('integrationStatus', () => {
  it('runs every flow when licensed and fully configured', () => {
    const s = integrationStatus(COMPLETE, LICENSED);
    expect(s.outlook365).toBe(true);
    expect(s.licensed).toBe(true);
    expect(s.problems).toEqual([]);
    expect(s.flows.map((f) => [f.flow, f.switchName, f.label, f.running])).toEqual([
      ['emailOut', 'EMAILOUT_OUTLOOK365', 'Outbound email', true],
      ['emailIn', 'EMAILIN_OUTLOOK365', 'Inbound email', true],
      ['apptOut', 'APPTOUT_OUTLOOK365', 'Outbound appointments', true],
      ['apptIn', 'APPTIN_OUTLOOK365', 'Inbound appointments', true],
    ]);
  });

  it('says no flow runs without a licence, before anything else', () => {
    const s = integrationStatus(COMPLETE, { valid: false, features: [] });
    expect(s.licensed).toBe(false);
    expect(s.flows.every((f) => !f.running)).toBe(true);
    expect(reasons(s).emailOut).toEqual(['No valid OUTLOOK365 licence is installed']);
  });

  it("passes on the licence's own problem, e.g. its expiry", () => {
    const s = integrationStatus(COMPLETE, { valid: false, features: ['OUTLOOK365'], problem: 'The licence expired on 2026-01-31' });
    expect(reasons(s).apptIn).toEqual(['The licence expired on 2026-01-31']);
  });

  it('says when a valid licence does not cover OUTLOOK365', () => {
    const s = integrationStatus(COMPLETE, { valid: true, features: ['TASK_MANAGER'] });
    expect(s.licensed).toBe(false);
    expect(reasons(s).apptOut).toEqual(['The installed licence does not include OUTLOOK365; it covers TASK_MANAGER']);
  });

  it('needs TASK_MANAGER for inbound email only (guide 2.2.1)', () => {
    const s = integrationStatus(COMPLETE, { valid: true, features: ['OUTLOOK365'] });
    expect(reasons(s)).toEqual({
      emailOut: [],
      emailIn: ['The licence does not include TASK_MANAGER, which inbound email needs'],
      apptOut: [],
      apptIn: [],
    });
  });

  it('says OUTLOOK365 is N, and that each switch is N', () => {
    const s = integrationStatus({ ...COMPLETE, OUTLOOK365: 'N', EMAILOUT_OUTLOOK365: 'N' }, LICENSED);
    expect(s.outlook365).toBe(false);
    expect(reasons(s).emailOut).toEqual(['OUTLOOK365 is N', 'EMAILOUT_OUTLOOK365 is N']);
    expect(reasons(s).emailIn).toEqual(['OUTLOOK365 is N']);
  });

  it('says when a switch has never been set, and uses the guide default N for APPTIN_OUTLOOK365', () => {
    const s = integrationStatus({ OUTLOOK365: 'Y' }, LICENSED);
    expect(reasons(s).emailOut).toEqual(['EMAILOUT_OUTLOOK365 is not set (it must be Y)', 'EMO_EMAILADDR is not set']);
    expect(reasons(s).apptIn[0]).toBe('APPTIN_OUTLOOK365 is N');
  });

  it('names every missing parameter of a switched-on flow', () => {
    const s = integrationStatus({ OUTLOOK365: 'Y', EMAILIN_OUTLOOK365: 'Y', APPTIN_OUTLOOK365: 'Y' }, LICENSED);
    expect(reasons(s).emailIn).toEqual(['INBOX_SERVER is not set', 'EMI_POLL is not set']);
    expect(reasons(s).apptIn).toEqual([
      'APPT_OUTLOOK365_CANCEL_RSN is not set',
      'APPT_OUTLOOK365_MOVE_RSN is not set',
      'OUTLOOK365_MOVE_VIOL_EMAIL is not set',
      'EMO_EMAILADDR is not set',
    ]);
    expect(s.problems.map((p) => p.parameter)).toEqual([
      'INBOX_SERVER',
      'EMI_POLL',
      'APPT_OUTLOOK365_CANCEL_RSN',
      'APPT_OUTLOOK365_MOVE_RSN',
      'OUTLOOK365_MOVE_VIOL_EMAIL',
      'EMO_EMAILADDR',
    ]);
  });

  it('stops the flows that send from EMO_EMAILADDR when it is outside the INBOX_SERVER domain', () => {
    const s = integrationStatus({ ...COMPLETE, EMO_EMAILADDR: 'housing@other.org' }, LICENSED);
    const why = 'EMO_EMAILADDR (housing@other.org) is not in the INBOX_SERVER domain (housingorganisation.co.uk)';
    expect(reasons(s)).toEqual({ emailOut: [why], emailIn: [], apptOut: [], apptIn: [why] });
  });

  it('lists every reason at once, in order: licence, OUTLOOK365, switch, parameters', () => {
    const s = integrationStatus({}, { valid: false, features: [], problem: 'No licence key is installed' });
    expect(reasons(s).emailOut).toEqual([
      'No licence key is installed',
      'OUTLOOK365 is not set (it must be Y)',
      'EMAILOUT_OUTLOOK365 is not set (it must be Y)',
      'EMO_EMAILADDR is not set',
    ]);
  });
});
