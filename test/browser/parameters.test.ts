import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startWebFixture, type WebFixture } from '../http/web-client.ts';

// Drives Debian's chromium through the parameter-editing flow and runs axe on each page. Skips (with a
// reason) where chromium is not installed; CI installs it with apt.
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

const AXE_SOURCE = haveChromium ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol rather than added as a <script>: the app's CSP rightly
  // blocks inline scripts, and the check must not need the CSP relaxed.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as AxeViolation[]).map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!haveChromium)('editing a parameter in a real browser', () => {
  let f: WebFixture;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    f = await startWebFixture();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage();
    page.on('console', (m) => {
      // 401 and 422 answers to the failed forms are expected; anything else (a CSP violation, a script
      // error in GOV.UK Frontend's start-up) is not.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of 4')) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('signs in, sees inline errors for bad EMI_POLL values, saves 5, with no axe violations on the way', async () => {
    const violations: Record<string, string[]> = {};
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${f.baseUrl}/`);
    expect(page.url()).toBe(`${f.baseUrl}/sign-in?next=%2F`);
    expect(await page.locator('body').getAttribute('class')).toContain('govuk-frontend-supported');

    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('The username or password is not right');
    violations['sign-in with error'] = await axeViolations(page);

    await page.getByLabel('Password').fill(f.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${f.baseUrl}/`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Outlook 365 integration');
    violations.home = await axeViolations(page);

    await page.getByRole('link', { name: 'System Setup' }).click();
    await page.getByRole('link', { name: 'System parameters' }).first().click();
    await page.waitForURL(`${f.baseUrl}/system-setup/parameters`);
    expect(await page.locator('tbody tr').count()).toBe(15);
    violations['parameters list'] = await axeViolations(page);

    await page.getByRole('link', { name: 'Change EMI_POLL' }).click();
    await page.waitForURL(`${f.baseUrl}/system-setup/parameters/EMI_POLL`);
    violations['edit EMI_POLL'] = await axeViolations(page);

    for (const bad of ['abc', '0']) {
      await page.getByLabel('EMI_POLL').fill(bad);
      await page.getByRole('button', { name: 'Save' }).click();
      const inline = page.locator('#value-error');
      await expect.poll(() => inline.textContent()).toContain('EMI_POLL');
      expect(await page.title()).toBe('Error: Change EMI_POLL – housing365');
      expect(await page.getByLabel('EMI_POLL').inputValue()).toBe(bad);
      // The error summary links to the field and takes focus, as GOV.UK Frontend does.
      await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.govuk-error-summary') !== null)).toBe(true);
      violations[`edit EMI_POLL with error (${bad})`] = await axeViolations(page);
    }

    await page.getByLabel('EMI_POLL').fill('5');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${f.baseUrl}/system-setup/parameters?saved=EMI_POLL`);
    await expect.poll(() => page.locator('.govuk-notification-banner--success').textContent()).toContain('EMI_POLL saved');
    expect((await page.locator('#param-EMI_POLL td').nth(1).textContent())?.trim()).toBe('5');
    violations['parameters list after save'] = await axeViolations(page);

    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
    expect(consoleErrors).toEqual([]);
  });

  it('has no axe violations on the other System Setup pages, the API docs and the 403 page', async () => {
    const violations: Record<string, string[]> = {};
    for (const path of ['/system-setup', '/system-setup/frvs', '/system-setup/users', '/docs']) {
      await page.goto(f.baseUrl + path);
      expect(page.url()).toBe(f.baseUrl + path);
      violations[path] = await axeViolations(page);
    }
    // An FRV form with an error, rendered with its summary and inline message.
    await page.goto(`${f.baseUrl}/system-setup/frvs`);
    await page.locator('#EXCHANGE_INBOX-code').fill('not valid!');
    await page.locator('#EXCHANGE_INBOX-description').fill('x');
    await page.getByRole('button', { name: 'Add a value to EXCHANGE_INBOX' }).click();
    await expect.poll(() => page.locator('#EXCHANGE_INBOX-code-error').count()).toBe(1);
    violations['FRV add with error'] = await axeViolations(page);

    // Signed in as an officer: System Setup is refused with an accessible page.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${f.baseUrl}/sign-in`);
    await page.getByLabel('Username').fill('oscar');
    await page.getByLabel('Password').fill(f.officerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${f.baseUrl}/`);
    const refused = await page.goto(`${f.baseUrl}/system-setup/parameters`);
    expect(refused?.status()).toBe(403);
    violations['403 page'] = await axeViolations(page);

    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
    expect(consoleErrors).toEqual([]);
  });
});
