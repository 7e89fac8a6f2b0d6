import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTaskFixture, PASSWORD, type TaskFixture } from './fixture.ts';
import { blobStoreOf, loadInboundPolicy } from '../../src/app/inbound/policy.ts';
import { prepareEmail, storePreparedEmail } from '../../src/app/inbound/store-email.ts';
import { listEventQueries, runEventQuery } from '../../src/app/tasks/event-queries.ts';

// A task whose email HTML tries every way to run script, opened in Debian's chromium: nothing runs
// (no dialog, no marker set in the frame or the page), and the text shows. CI installs chromium.
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

const HOSTILE_HTML = `<html><head><script>document.documentElement.dataset.pwned='head-script'</script>
<meta http-equiv="refresh" content="0;url=javascript:document.documentElement.dataset.pwned='refresh'"></head>
<body onload="document.body.dataset.pwned='onload'"><p id="greeting">They shouted at me again</p>
<script>alert('script'); try { parent.document.body.dataset.pwned = 'parent' } catch (e) {} document.body.dataset.pwned = 'script';</script>
<img src="x" onerror="alert('onerror'); document.body.dataset.pwned='onerror'">
<svg onload="alert('svg')"><script>alert('svg-script')</script></svg>
<a id="js-link" href="javascript:alert('link')">click</a>
<iframe srcdoc="<script>parent.document.body.dataset.pwned='srcdoc'</script>"></iframe>
<object data="javascript:alert('object')"></object><embed src="javascript:alert('embed')">
<form action="javascript:alert('form')"><button id="b">go</button></form>
<div style="background-image:url(javascript:alert('css'))">styled</div>
<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph></table></mtext></math>
</body></html>`;

describe.skipIf(!haveChromium)('a hostile email in a real browser', () => {
  let f: TaskFixture;
  let browser: Browser;
  let taskId: number;

  beforeAll(async () => {
    f = await startTaskFixture();
    const ctx = f.t.ctx;
    const p = await prepareEmail(
      { code: 'COMPLAINTS', mailbox: 'complaints@housingorganisation.co.uk' },
      { id: 'hostile-1', internetMessageId: '<hostile-browser@example.org>', subject: 'Script attempt', from: { address: 'attacker@example.org' }, to: [], cc: [], replyTo: [], receivedAt: new Date(), body: { kind: 'html', content: HOSTILE_HTML }, hasAttachments: false, isRead: false, isDraft: false, importance: 'normal', categories: [], folderId: 'inbox', headers: [] },
      [],
      { blobs: blobStoreOf(ctx), policy: await loadInboundPolicy(ctx) },
    );
    const r = await ctx.db.transaction().execute((trx) => storePreparedEmail(trx, p, new Date()));
    await runEventQuery(ctx, (await listEventQueries(ctx))[0].id);
    taskId = (await ctx.db.selectFrom('tm_tasks').select('id').where('email_id', '=', r.stored ? r.id : -1).executeTakeFirstOrThrow()).id;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('shows the email text and runs none of its script', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(`${f.baseUrl}/sign-in`);
    await page.fill('#username', 'complaints.officer');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(/\/(\?.*)?$|\/account/), page.click('button[type=submit]:has-text("Sign in")')]);
    await page.goto(`${f.baseUrl}/tasks/${taskId}`);
    const frameEl = await page.waitForSelector('iframe.app-email-frame');
    expect(await frameEl.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    const frame = (await frameEl.contentFrame())!;
    // (Ids are not kept by the sanitiser, so the text itself is looked for.)
    await frame.waitForSelector('text=They shouted at me again');
    expect(await frame.textContent('p')).toBe('They shouted at me again');
    // Clicking the javascript: link and submitting the form must not run anything either.
    await frame.click('a', { timeout: 2000 }).catch(() => undefined);
    await frame.click('button', { timeout: 2000 }).catch(() => undefined);
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => document.body.dataset.pwned ?? null)).toBeNull();
    const inFrame = await frame.evaluate(() => ({ html: document.documentElement.dataset.pwned ?? null, body: document.body?.dataset.pwned ?? null, scripts: document.scripts.length, iframes: document.querySelectorAll('iframe,object,embed,form,meta[http-equiv]').length }));
    expect(inFrame).toEqual({ html: null, body: null, scripts: 0, iframes: 0 });
    // The text version is on the page too.
    expect(await page.textContent('.app-email-text')).toContain('They shouted at me again');
  }, 60_000);
});
