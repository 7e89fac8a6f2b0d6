// The case conversation on the task page in Debian's chromium, axe on the page (issue 17 §3): the
// resident's email (HTML body, a PNG) and the officer's reply sent from the page through the shared
// inbox appear in order; the body frame is the column's width (sized by app.css, not an inline style
// the CSP blocks); the PNG previews in the page; a rejected file is listed with its verdict.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { startInboundWorld, demoMailboxes, type InboundWorld } from './world.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { drainOutbox } from '../../src/app/email/send-outbox.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const AXE_SOURCE = haveChromium ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';
const PASSWORD = 'a long enough password';
// A real 2×2 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2000, 0)]);

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as { id: string; help: string; nodes: { target: string[] }[] }[]).map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!haveChromium)('the conversation on the task page, in a real browser', () => {
  let w: InboundWorld;
  let app: FastifyInstance;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    w = await startInboundWorld();
    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMAILOUT_OUTLOOK365', 'Y');
    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'OUTLOOK365_TIMEZONE', 'GMT Standard Time');
    await w.sync('ASB');
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

  it('shows the resident\'s email and the officer\'s reply in order, full width, with the picture previewed', async () => {
    await w.mail({
      from: 'Ms Tenant <tenant@example.org>', to: demoMailboxes.asb, subject: 'Noise from flat 3', text: 'Every night.', html: '<p>Every night since <b>Monday</b>.</p>',
      attachments: [{ filename: 'photo.png', content: PNG }, { filename: 'setup.exe', content: EXE }],
    });
    await w.sync('ASB');
    await w.raiseEvents();
    const email = await w.t.ctx.db.selectFrom('inbound_emails').select(['task_id']).where('subject', '=', 'Noise from flat 3').executeTakeFirstOrThrow();
    const taskId = email.task_id!;

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Username').fill('asb.officer');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/`);

    await page.goto(`${baseUrl}/tasks/${taskId}`);
    await page.getByText('Reply to the resident').click();
    await page.getByLabel(/Your reply/).fill('We will visit on Monday.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.waitForURL(new RegExp(`/tasks/${taskId}`));
    expect(await drainOutbox(w.t.ctx)).toMatchObject({ sent: 1 });

    await page.goto(`${baseUrl}/tasks/${taskId}`);
    const items = page.locator('ol.app-conversation > li');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.nth(0).locator('h3').textContent()).toContain('Received');
    expect(await items.nth(0).locator('h3').textContent()).toContain('tenant@example.org');
    expect(await items.nth(1).locator('h3').textContent()).toMatch(/Sent.*Reply from asb@/s);
    expect(await items.nth(1).textContent()).toContain('We will visit on Monday.');
    // Times in the organisation's zone, with the zone shown.
    expect(await page.locator('#conversation-heading + p').textContent()).toContain('Europe/London');
    expect(await items.nth(0).locator('time').textContent()).toMatch(/\d{2}:\d{2} (GMT|BST)$/);

    // The body frame is the column's width and taller than the 150 px default.
    const frame = page.locator('iframe.app-email-frame');
    const box = (await frame.boundingBox())!;
    const column = (await page.locator('ol.app-conversation').boundingBox())!;
    expect(box.width).toBeGreaterThan(column.width * 0.9);
    expect(box.height).toBeGreaterThan(300);
    const body = (await (await frame.elementHandle())!.contentFrame())!;
    await body.waitForSelector('text=Every night since');

    // The PNG previews in the page; the .exe is listed as not saved, with no preview.
    await page.getByText('Preview photo.png').click();
    const img = page.locator('img.app-preview-image');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(2);
    expect(await page.locator('li.app-attachment--rejected').textContent()).toContain('Not saved');
    expect(await page.getByText('Preview setup.exe').count()).toBe(0);

    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('serves a preview only for a saved image or PDF, as its own type with nosniff', async () => {
    const atts = await w.t.ctx.db.selectFrom('inbound_attachments as a').innerJoin('inbound_emails as e', 'e.id', 'a.email_id').select(['a.id', 'a.name', 'e.task_id']).where('e.subject', '=', 'Noise from flat 3').execute();
    const png = atts.find((a) => a.name === 'photo.png')!;
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Username').fill('asb.officer');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/`);
    const ok = await page.request.get(`${baseUrl}/tasks/${png.task_id}/attachments/${png.id}/preview`);
    expect(ok.status()).toBe(200);
    expect(ok.headers()['content-type']).toBe('image/png');
    expect(ok.headers()['x-content-type-options']).toBe('nosniff');
    expect(ok.headers()['content-security-policy']).toContain('sandbox');
    const exe = atts.find((a) => a.name === 'setup.exe')!;
    expect((await page.request.get(`${baseUrl}/tasks/${exe.task_id}/attachments/${exe.id}/preview`)).status()).toBe(404);
  });
});
