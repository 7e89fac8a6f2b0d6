import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { applyDemoDefaults } from '../../src/app/email/demo-defaults.ts';
import { activeFrvCodes } from '../../src/app/frvs.ts';
import { parameterValues, setParameter } from '../../src/app/parameters.ts';
import { createTestContext, type TestContext } from '../helpers/db.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.cleanup());

describe('demo defaults', () => {
  it('fills only what is empty, once, and says what it set', async () => {
    await setParameter(t.ctx, SYSTEM_ACTOR, 'INBOX_SERVER', 'housingorganisation.co.uk');
    const first = await applyDemoDefaults(t.ctx);
    expect(first).toEqual(['EMO_EMAILADDR=noreply@housingorganisation.co.uk', 'EXCHANGE_INBOX ASB', 'EXCHANGE_INBOX COMPLAINTS', 'EMAIL_ATT_FILETYPE PDF', 'EMAIL_ATT_FILETYPE DOCX', 'EMAIL_ATT_FILETYPE JPG', 'EMAIL_ATT_FILETYPE PNG']);
    const v = await parameterValues(t.ctx);
    expect(v.EMO_EMAILADDR).toBe('noreply@housingorganisation.co.uk');
    expect(await activeFrvCodes(t.ctx, 'EXCHANGE_INBOX')).toEqual(['ASB', 'COMPLAINTS']);
    expect(await applyDemoDefaults(t.ctx)).toEqual([]);
  });
});
