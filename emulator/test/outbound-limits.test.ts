// Conformance for Exchange's limits on outbound mail, driven by msal-node and the unmodified Graph SDK:
// the upload session minimum, the pre-authenticated uploadUrl (no Authorization header), resuming by
// nextExpectedRanges, the tenant's message size limit (35 MB by default) and the Sent Items delay.
// https://learn.microsoft.com/graph/outlook-large-attachments, /graph/api/attachment-createuploadsession
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, repairs, startHarness, sdkError, type Harness } from './helpers.ts';

let h: Harness;
let graph: ReturnType<Harness['graph']>;
beforeAll(async () => {
  h = await startHarness();
  graph = h.graph();
});
afterAll(() => h.stop());

const MB = 1_000_000;
const newDraft = (subject: string) => graph.api(`/users/${asb}/messages`).post({ subject, body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: repairs } }] });
const session = (draftId: string, size: number, name = 'plans.pdf') =>
  graph.api(`/users/${asb}/messages/${draftId}/attachments/createUploadSession`).post({ AttachmentItem: { attachmentType: 'file', name, size } });

async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('upload sessions', () => {
  it('refuses a session for a file under 3 MB with ErrorAttachmentSizeShouldNotBeLessThanMinimumSize', async () => {
    const d = await newDraft('small by session');
    const e = await sdkError(session(d.id, 2_900_000));
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize');
    // 3 MB and more is taken
    expect((await session(d.id, 3 * MB)).uploadUrl).toMatch(/authtoken=/);
  });

  it('refuses an Authorization header on the pre-authenticated uploadUrl with 401 InvalidAudience', async () => {
    const d = await newDraft('bearer on upload');
    const s = await session(d.id, 3 * MB);
    const bytes = Buffer.alloc(1000, 1);
    const res = await h.fetch(s.uploadUrl, { method: 'PUT', headers: { authorization: `Bearer ${await h.token()}`, 'content-range': `bytes 0-999/${3 * MB}`, 'content-type': 'application/octet-stream' }, body: bytes });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('InvalidAudience');
    // without it the same range is taken
    const ok = await h.fetch(s.uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes 0-999/${3 * MB}`, 'content-type': 'application/octet-stream' }, body: bytes });
    expect(ok.status).toBe(200);
    expect((await ok.json()).nextExpectedRanges).toEqual(['1000']);
  });

  it('answers a repeated range with 416 and nextExpectedRanges, and GET on the uploadUrl says where it stands', async () => {
    const d = await newDraft('resumed upload');
    const total = 3 * MB;
    const s = await session(d.id, total);
    const put = (from: number, to: number) => h.fetch(s.uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes ${from}-${to}/${total}`, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(to - from + 1, 2) });
    expect((await put(0, 1_999_999)).status).toBe(200);
    // the client lost that answer and offers the range again
    const again = await put(0, 1_999_999);
    expect(again.status).toBe(416);
    expect((await again.json()).nextExpectedRanges).toEqual(['2000000']);
    const status = await h.fetch(s.uploadUrl);
    expect(status.status).toBe(200);
    expect((await status.json()).nextExpectedRanges).toEqual(['2000000']);
    const last = await put(2_000_000, total - 1);
    expect(last.status).toBe(201);
    expect(last.headers.get('location')).toMatch(/attachments\('/);
  });
});

describe("the tenant's message size limit", () => {
  it('is 35 MB by default: a session that would take the message past it is refused with ErrorMessageSizeExceeded', async () => {
    expect((await h.admin('GET', '/limits')).body.maxMessageBytes).toBe(35 * 1024 * 1024);
    const d = await newDraft('too big');
    const e = await sdkError(session(d.id, 36 * 1024 * 1024));
    expect(e.code).toBe('ErrorMessageSizeExceeded');
    expect((await session(d.id, 34 * 1024 * 1024)).uploadUrl).toBeTruthy();
  });

  it('follows the configured limit, on sessions and on send', async () => {
    await h.admin('POST', '/limits', { maxMessageBytes: 4 * MB });
    try {
      const d = await newDraft('over a lowered limit');
      expect((await sdkError(session(d.id, 5 * MB))).code).toBe('ErrorMessageSizeExceeded');
      // two attachments of 2.5 MB each fit the limit one by one, not together: the send is refused
      const part = Buffer.alloc(2_500_000, 3).toString('base64');
      await graph.api(`/users/${asb}/messages/${d.id}/attachments`).post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.pdf', contentBytes: part });
      const e = await sdkError(graph.api(`/users/${asb}/messages/${d.id}/attachments`).post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'b.pdf', contentBytes: part }));
      expect(e.code).toBe('ErrorMessageSizeExceeded');
      expect((await h.admin('POST', '/limits', { maxMessageBytes: 151 * 1024 * 1024 })).status).toBe(400);
    } finally {
      await h.admin('POST', '/limits', { maxMessageBytes: 35 * 1024 * 1024 });
    }
  });
});

describe('Sent Items delay', () => {
  it('takes the sent draft out of sight until Exchange has processed it, then files it in Sent Items and delivers it once', async () => {
    await h.admin('POST', '/limits', { sentItemsDelayMs: 300 });
    try {
      const d = await newDraft('delayed copy');
      await graph.api(`/users/${asb}/messages/${d.id}/send`).post({});
      // gone from Drafts, not yet in Sent Items, not found by id
      expect((await graph.api(`/users/${asb}/mailFolders/drafts/messages`).filter("subject eq 'delayed copy'").get()).value).toEqual([]);
      expect((await graph.api(`/users/${asb}/mailFolders/sentitems/messages`).filter("subject eq 'delayed copy'").get()).value).toEqual([]);
      expect((await sdkError(graph.api(`/users/${asb}/messages/${d.id}`).get())).statusCode).toBe(404);
      const sent = await until(async () => (await graph.api(`/users/${asb}/mailFolders/sentitems/messages`).filter("subject eq 'delayed copy'").get()).value[0], 'the Sent Items copy');
      expect(sent).toMatchObject({ isDraft: false });
      const inbox = await until(async () => {
        const v = (await graph.api(`/users/${repairs}/mailFolders/inbox/messages`).filter("subject eq 'delayed copy'").get()).value;
        return v.length ? v : undefined;
      }, 'delivery');
      expect(inbox).toHaveLength(1);
    } finally {
      await h.admin('POST', '/limits', { sentItemsDelayMs: 0 });
    }
  });
});
