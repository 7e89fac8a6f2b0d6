import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startEmulator, type Emulator } from '../../emulator/src/index.ts';
import { startWebFixture, type WebFixture } from '../http/web-client.ts';
import { addGroupMapping } from '../../src/app/entra-signin.ts';

// Issue 9's proof in a real browser: staff sign in through the emulator's Microsoft sign-in page and
// land on the Task Manager Summary; an officer gets 403 on System Setup pages and admin API routes; an
// admin (by Entra group) changes a parameter and sees it on the audit page.
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

const ADMIN_GROUP = '5c0ffee0-0000-4000-8000-00000000ad01';
const CLIENT = { clientId: '0b5e1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b', clientSecret: 'browser-test-secret' };

describe.skipIf(!haveChromium)('Sign in with Microsoft in a real browser', () => {
  let emu: Emulator;
  let f: WebFixture;
  let browser: Browser;

  beforeAll(async () => {
    emu = await startEmulator({
      quiet: true,
      smtpPort: false,
      seed: {
        tenant: { id: '9d1f2e3c-4b5a-4697-8a8b-9c0d1e2f3a4b', domain: 'housingorganisation.co.uk' },
        users: [
          { userPrincipalName: 'sam.patel@housingorganisation.co.uk', displayName: 'Sam Patel', password: 'sam-pw' },
          { userPrincipalName: 'alex.jones@housingorganisation.co.uk', displayName: 'Alex Jones', password: 'alex-pw', groups: [ADMIN_GROUP] },
        ],
        apps: [{ ...CLIENT, roles: [] }],
      } as never,
    });
    f = await startWebFixture();
    f.t.ctx.staffSignIn = { issuer: `${emu.authority}/v2.0`, ...CLIENT, caPem: emu.caCertPem };
    await addGroupMapping(f.t.ctx, { username: 'setup' }, { groupId: ADMIN_GROUP, role: 'admin' });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // The emulator's CA is made for the test run; only this test browser is told to accept it.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--ignore-certificate-errors'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await f?.close();
    await emu?.stop();
  });

  async function signInWithMicrosoft(login: string, password: string) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${f.baseUrl}/tasks`);
    expect(page.url()).toBe(`${f.baseUrl}/sign-in?next=%2Ftasks`);
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await page.waitForURL((u) => u.href.startsWith(emu.authority));
    await page.getByLabel('Account').selectOption(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${f.baseUrl}/tasks`);
    return { context, page };
  }

  it('lands an officer on the Task Manager Summary and refuses System Setup pages and admin API routes', async () => {
    const { context, page } = await signInWithMicrosoft('sam.patel@housingorganisation.co.uk', 'sam-pw');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Task Manager/);
    expect((await page.goto(`${f.baseUrl}/system-setup/parameters`))?.status()).toBe(403);
    expect((await page.goto(`${f.baseUrl}/system-setup/audit`))?.status()).toBe(403);
    const api = await page.request.get(`${f.baseUrl}/api/v1/users`);
    expect(api.status()).toBe(403);
    expect((await page.request.get(`${f.baseUrl}/api/v1/audit`)).status()).toBe(403);
    await context.close();
  });

  it('lets an admin by Entra group change a parameter and find it on the audit page', async () => {
    const { context, page } = await signInWithMicrosoft('alex.jones@housingorganisation.co.uk', 'alex-pw');
    await page.goto(`${f.baseUrl}/system-setup/parameters/EMI_POLL`);
    await page.getByLabel('EMI_POLL').fill('7');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${f.baseUrl}/system-setup/parameters?saved=EMI_POLL`);
    await page.goto(`${f.baseUrl}/system-setup/audit?entityType=parameter`);
    const row = page.locator('tbody tr').filter({ hasText: 'EMI_POLL' }).first();
    await expect.poll(() => row.textContent()).toContain('7');
    expect(await row.textContent()).toContain('alex.jones@housingorganisation.co.uk');
    await context.close();
  });
});
