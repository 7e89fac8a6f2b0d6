// The appointment pages in a real browser (Debian's chromium) with axe on each: diary set-up with the
// External Calendar select, the week view, book, the booking page, move with the slot picker, cancel.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startWebFixture, type WebFixture } from '../http/web-client.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { addReason } from '../../src/app/appointments/reasons.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const AXE_SOURCE = haveChromium ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  })) as Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!haveChromium)('appointment pages in a real browser', () => {
  let f: WebFixture;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    f = await startWebFixture();
    await addProductArea(f.t.ctx, { username: 'setup' }, { code: 'RENTS', name: 'Rents' });
    await addReason(f.t.ctx, { username: 'setup' }, { code: 'TENREQ', description: 'Tenant asked to move', kind: 'move', productAreas: ['RENTS'] });
    await addReason(f.t.ctx, { username: 'setup' }, { code: 'TENCAN', description: 'Tenant cancelled', kind: 'cancel', productAreas: ['RENTS'] });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of 4')) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('sets up a diary, books, moves and cancels with no axe violations', async () => {
    const v: Record<string, string[]> = {};
    await page.goto(`${f.baseUrl}/sign-in`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(f.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${f.baseUrl}/`);

    await page.goto(`${f.baseUrl}/system-setup/appointments/diaries/new`);
    await page.getByLabel('Code').fill('RENTS');
    await page.getByLabel('Name').fill('Rents Appointments');
    await page.getByLabel('Product area').selectOption('RENTS');
    await page.getByLabel('External Calendar').selectOption('OUTLOOK365');
    await page.getByRole('textbox', { name: 'Calendar Address' }).fill('pat@housingorganisation.co.uk');
    await page.getByRole('button', { name: 'Create diary' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('INBOX_SERVER');
    v['new diary with error'] = await axeViolations(page);
    await page.getByLabel('External Calendar').selectOption('NONE');
    await page.getByRole('button', { name: 'Create diary' }).click();
    await page.waitForURL(/\/system-setup\/appointments\/diaries\/RENTS\?done=created/);
    v['diary page'] = await axeViolations(page);

    await page.getByLabel('Last slot ends (HH:MM)').fill('11:00');
    for (const day of ['Saturday', 'Sunday']) await page.getByLabel(day).check();
    await page.getByRole('button', { name: 'Add pattern' }).click();
    await page.waitForURL(/done=pattern/);
    await page.getByRole('button', { name: 'Generate slots' }).click();
    await page.waitForURL(/done=generated/);
    await expect.poll(() => page.locator('.govuk-notification-banner--success').textContent()).toContain('new');

    for (const path of ['/system-setup/appointments/reasons', '/system-setup/appointments/product-areas', '/system-setup/appointments/diaries', '/appointments', '/integration/calendar-push']) {
      await page.goto(f.baseUrl + path);
      v[path] = await axeViolations(page);
    }

    const tomorrow = DateTime.now().setZone('Europe/London').plus({ days: 1 });
    await page.goto(`${f.baseUrl}/appointments/diaries/RENTS?week=${tomorrow.toISODate()}`);
    v['week view'] = await axeViolations(page);
    await page.getByRole('link', { name: `Book ${tomorrow.toFormat('cccc d LLLL')} 09:00` }).click();
    v['book'] = await axeViolations(page);
    await page.getByLabel('Who the appointment is with').fill('Tenant A');
    await page.getByRole('button', { name: 'Book appointment' }).click();
    await page.waitForURL(/\/appointments\/bookings\/\d+\?done=booked/);
    v['booking page'] = await axeViolations(page);

    await page.getByRole('link', { name: 'Move appointment' }).click();
    await page.getByRole('button', { name: 'Move appointment' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Choose a free slot');
    v['move with error'] = await axeViolations(page);
    await page.getByLabel('Reason for the move').selectOption('TENREQ');
    await page.locator('input[name="slot"]').first().check();
    await page.getByRole('button', { name: 'Move appointment' }).click();
    await page.waitForURL(/done=moved/);

    await page.getByRole('link', { name: 'Cancel appointment' }).click();
    v['cancel'] = await axeViolations(page);
    await page.getByLabel('Reason for cancelling').selectOption('TENCAN');
    await page.getByRole('button', { name: 'Cancel appointment' }).click();
    await page.waitForURL(/done=cancelled/);
    await expect.poll(() => page.locator('.govuk-summary-list').first().textContent()).toContain('Cancelled (CAN)');

    expect(v).toEqual(Object.fromEntries(Object.keys(v).map((k) => [k, []])));
    expect(consoleErrors).toEqual([]);
    // Twelve pages, each with an axe run, on a 2-core machine.
  }, 180_000);
});
