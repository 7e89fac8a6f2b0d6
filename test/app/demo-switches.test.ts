import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { switchOnDemoFlows } from '../../src/app/demo-switches.ts';
import { parameterValues, setParameter } from '../../src/app/parameters.ts';

let fresh: TestContext;
let touched: TestContext;

beforeAll(async () => {
  [fresh, touched] = await Promise.all([createTestContext(), createTestContext()]);
});
afterAll(async () => {
  await fresh?.cleanup();
  await touched?.cleanup();
});

describe('demo mode switches', () => {
  it('switches every flow on in a fresh demo, once', async () => {
    expect(await switchOnDemoFlows(fresh.ctx)).toContain('OUTLOOK365=Y');
    const v = await parameterValues(fresh.ctx);
    expect([v.OUTLOOK365, v.EMAILOUT_OUTLOOK365, v.EMAILIN_OUTLOOK365, v.APPTOUT_OUTLOOK365, v.APPTIN_OUTLOOK365]).toEqual(['Y', 'Y', 'Y', 'Y', 'Y']);
    expect(v.EMI_POLL).toBe('1');
    expect(await switchOnDemoFlows(fresh.ctx)).toEqual([]);
  });

  it('leaves the switches alone once an admin has set OUTLOOK365', async () => {
    await setParameter(touched.ctx, { username: 'admin' }, 'OUTLOOK365', 'N');
    expect(await switchOnDemoFlows(touched.ctx)).toEqual([]);
    expect((await parameterValues(touched.ctx)).EMAILIN_OUTLOOK365).toBeNull();
  });
});
