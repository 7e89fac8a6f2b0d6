// A complaint's whole life on the task page, in Debian's chromium with axe on every page: a complaints@
// email sent through the emulator's SMTP door is read by the inbox sync, becomes a stage 1 complaint with
// its deadline, and is acknowledged (with the acknowledgement email), extended (refused past the maximum
// until a good reason is given), answered, escalated, acknowledged at stage 2, answered and closed —
// all from the task page. Skips (with a reason) where chromium is not installed.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { startInboundWorld, demoMailboxes, type InboundWorld } from '../inbound/world.ts';
import { makeUser } from '../tasks/helpers.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { buildCalendar } from '../../src/domain/complaints/holidays.ts';
import { addWorkingDays, formatDay, localDate } from '../../src/domain/complaints/working-days.ts';
import { DATE_HOLIDAYS_VERSION } from '../../src/app/complaints/clock.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const AXE_SOURCE = haveChromium ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';
const PASSWORD = 'a long enough password';

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]).map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!haveChromium)('a complaint on the task page, in a real browser', () => {
  let w: InboundWorld;
  let app: FastifyInstance;
  let baseUrl: string;
  let browser: Browser;
  const consoleErrors: string[] = [];
  const cal = buildCalendar('england-and-wales', { from: 2024, to: 2032 }, DATE_HOLIDAYS_VERSION);

  beforeAll(async () => {
    w = await startInboundWorld();
    await makeUser(w.t.ctx, 'ada', 'admin');
    app = await buildServer(w.t.ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const a = app.server.address();
    baseUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await w?.stop();
  });

  async function signIn(username: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${username}: ${m.text()}`); });
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/`);
    return page;
  }

  it('an admin marks EMAIL_COMPLAINTS as a complaint job type; a complaints@ email becomes a stage 1 case and lives its whole life from the task page', async () => {
    const violations: Record<string, string[]> = {};
    const admin = await signIn('ada');
    await admin.goto(`${baseUrl}/system-setup/complaints`);
    violations['complaints set-up'] = await axeViolations(admin);
    await admin.getByLabel('Job type').selectOption({ label: 'EMAIL_COMPLAINTS – Complaints inbox' });
    await admin.getByRole('button', { name: 'Save complaint policy' }).click();
    await expect.poll(() => admin.locator('#complaint-policies').textContent()).toContain('5 / 10 / 10');
    expect(await admin.locator('#complaint-policies').textContent()).toContain('5 / 20 / 20');
    violations['complaints set-up, saved'] = await axeViolations(admin);

    await w.mail({ from: 'Jane Resident <jane.resident@example.org>', to: demoMailboxes.complaints, subject: 'Complaint: repair still not done', text: 'I reported the leak six weeks ago.' });
    await w.sync('COMPLAINTS');
    await w.raiseEvents();
    const email = await w.t.ctx.db.selectFrom('inbound_emails').select(['task_id', 'received_at']).where('subject', '=', 'Complaint: repair still not done').executeTakeFirstOrThrow();
    const taskId = email.task_id!;
    const received = localDate(email.received_at, 'Europe/London');
    const today = localDate(new Date(), 'Europe/London');
    const ackDue = addWorkingDays(cal, received, 5);

    const page = await signIn('complaints.officer');
    violations['home with my complaints'] = await axeViolations(page);
    expect(await page.locator('#my-complaints').textContent()).toContain('Complaint: repair still not done');
    await page.goto(`${baseUrl}/tasks/${taskId}`);
    expect(await page.locator('#complaint-state').textContent()).toBe('Stage 1: to acknowledge');
    expect(await page.locator('#complaint-deadline').textContent()).toContain(`Acknowledge by ${formatDay(ackDue)}`);
    expect(await page.locator('#complaint-deadline').textContent()).toContain('5 working days from receipt');
    violations['task, new complaint'] = await axeViolations(page);

    // Acknowledged, with the acknowledgement email.
    await page.getByLabel(/Send the acknowledgement email/).check();
    await page.getByRole('button', { name: 'Record: stage 1 acknowledged' }).click();
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Recorded: stage 1 acknowledged');
    const respondDue = addWorkingDays(cal, today, 10);
    expect(await page.locator('#complaint-deadline').textContent()).toContain(`Respond by ${formatDay(respondDue)}`);
    const ack = await w.t.ctx.db.selectFrom('email_outbox').select(['subject', 'to_recipients']).where('source_ref', '=', `task-${taskId}`).executeTakeFirstOrThrow();
    expect(ack.subject).toBe(`We have logged your complaint at stage 1 [Task ${taskId}]`);
    violations['task, acknowledged'] = await axeViolations(page);

    // An extension of 11 working days is refused without a good reason …
    const tooFar = addWorkingDays(cal, respondDue, 11);
    await page.getByLabel('New response date (YYYY-MM-DD)').fill(tooFar);
    await page.getByLabel('Reason given to the resident').fill('We are waiting for the contractor');
    await page.getByRole('button', { name: 'Record: stage 1 response extended' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('the maximum without good reason is 10');
    expect(await page.title()).toMatch(/^Error: /);
    violations['task, extension refused'] = await axeViolations(page);
    // … and granted with one, which is recorded.
    await page.getByLabel(/Good reason/).fill('A structural survey is needed');
    await page.getByRole('button', { name: 'Record: stage 1 response extended' }).click();
    await expect.poll(() => page.locator('#complaint-deadline').textContent()).toContain(`Respond by ${formatDay(tooFar)}`);
    expect(await page.locator('#complaint-deadlines').textContent()).toContain('good reason: A structural survey is needed');

    await page.getByRole('button', { name: 'Record: stage 1 response sent' }).click();
    await expect.poll(() => page.locator('#complaint-state').textContent()).toBe('Stage 1: response sent');
    await page.getByRole('button', { name: 'Record: escalated to stage 2' }).click();
    await expect.poll(() => page.locator('#complaint-deadline').textContent()).toContain(`Acknowledge by ${formatDay(addWorkingDays(cal, today, 5))}`);
    violations['task, escalated'] = await axeViolations(page);
    await page.getByRole('button', { name: 'Record: stage 2 acknowledged' }).click();
    await expect.poll(() => page.locator('#complaint-deadline').textContent()).toContain(`Respond by ${formatDay(addWorkingDays(cal, today, 20))}`);
    await page.getByRole('button', { name: 'Record: stage 2 response sent' }).click();
    await expect.poll(() => page.locator('#complaint-state').textContent()).toBe('Stage 2: final response sent');
    await page.getByLabel('Why it is closed (optional)').fill('Final response accepted');
    await page.getByRole('button', { name: 'Record: complaint closed' }).click();
    await expect.poll(() => page.locator('#complaint-state').textContent()).toBe('Closed');
    expect(await page.locator('#task-status').textContent()).toBe('Complete');
    const history = await page.locator('.moj-timeline').textContent();
    for (const step of ['Complaint opened at stage 1', 'Stage 1 acknowledged', 'Stage 1 response extended', 'Stage 1 response sent', 'Escalated to stage 2', 'Stage 2 acknowledged', 'Stage 2 response sent', 'Complaint closed']) expect(history).toContain(step);
    violations['task, closed'] = await axeViolations(page);

    await page.goto(`${baseUrl}/tasks/complaints?include=all`);
    expect(await page.locator('#complaint-table').textContent()).toContain('Complaint: repair still not done');
    violations['complaints list'] = await axeViolations(page);
    await page.goto(`${baseUrl}/tasks/list`);
    violations['task list'] = await axeViolations(page);
    await page.goto(`${baseUrl}/tasks/complaints/performance?year=${today.slice(0, 4)}&period=calendar`);
    expect(await page.locator('#performance-table').textContent()).toContain('Escalations to stage 2');
    violations['complaints performance'] = await axeViolations(page);

    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
    // Known and not ours: the email frame's inline style on the task page (issue 17 sizes it by CSS), and
    // the 422 of the refused extension above.
    expect(consoleErrors.filter((e) => !/Applying inline style violates/.test(e) && !/status of 422/.test(e))).toEqual([]);
  }, 180_000);
});
