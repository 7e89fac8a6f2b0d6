// The Outbox, template editor and Microsoft 365 pages in Debian's chromium, with axe on each page and
// no console errors (CSP violations included). Skips (with a reason) where chromium is not installed.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { sendEmail } from '../../src/app/email/enqueue.ts';
import { startWebFixture, type WebFixture } from '../http/web-client.ts';
import { demoMailboxes, startHarness, type Harness } from '../graph/harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const AXE_SOURCE = haveChromium ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]).map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!haveChromium)('outbound email pages in a real browser', () => {
  let f: WebFixture;
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [f, h] = await Promise.all([startWebFixture(), startHarness()]);
    f.t.ctx.graph = h.gateway();
    f.t.ctx.integration = { mode: 'demo', graphBaseUrl: h.emulator.graphBaseUrl, authority: h.emulator.authority, smtp: { host: '127.0.0.1', port: 2525 } };
    await sendEmail(f.t.ctx, SYSTEM_ACTOR, { to: [demoMailboxes.asb], subject: 'Your repair is booked', text: 'Thursday morning' });
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
    await h?.stop();
    await f?.close();
  });

  it('shows queued email, edits a template with a line-accurate error and a preview, and runs the checks — with no axe violations', async () => {
    const violations: Record<string, string[]> = {};
    await page.goto(`${f.baseUrl}/sign-in`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(f.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${f.baseUrl}/`);

    await page.getByRole('link', { name: 'Outbox' }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Outbox');
    expect(await page.locator('main').textContent()).toContain('Your repair is booked');
    violations.outbox = await axeViolations(page);
    await page.getByRole('link', { name: 'Your repair is booked' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('History');
    violations['outbox email'] = await axeViolations(page);

    await page.goto(`${f.baseUrl}/system-setup/email-templates`);
    violations.templates = await axeViolations(page);
    await page.getByRole('link', { name: 'APPT_MOVED' }).click();
    await page.getByLabel('Plain-text body').fill('Dear {{ tenant.name }},\n{{ appointment.dat }}');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toMatch(/Plain-text body, line 2 column \d+: unknown merge field/);
    violations['template with error'] = await axeViolations(page);
    await page.getByLabel('Plain-text body').fill('Dear {{ tenant.name }},\nnow {{ appointment.date }}');
    await page.getByRole('button', { name: 'Preview with sample data' }).click();
    await expect.poll(() => page.locator('#preview-heading').count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain('now Wednesday 2 December 2026');
    violations['template preview'] = await axeViolations(page);

    await page.goto(`${f.baseUrl}/system-setup/integration`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Microsoft 365');
    violations.integration = await axeViolations(page);

    expect(violations).toEqual({ outbox: [], 'outbox email': [], templates: [], 'template with error': [], 'template preview': [], integration: [] });
    expect(consoleErrors).toEqual([]);
  });
});
