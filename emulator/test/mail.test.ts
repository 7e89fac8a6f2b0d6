// Mail conformance with the unmodified Microsoft Graph JS SDK: sendMail, message delta, ids,
// attachments, drafts and upload sessions.
import { FileUpload, LargeFileUploadTask, ResponseType } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, repairs, startHarness, sdkError, type Harness } from './helpers.ts';

let h: Harness;
let graph: ReturnType<Harness['graph']>;
beforeAll(async () => {
  h = await startHarness();
  graph = h.graph();
});
afterAll(() => h.stop());

async function drain(url: string, prefer = 'odata.maxpagesize=2'): Promise<{ items: any[]; deltaLink: string; pages: number }> {
  const items: any[] = [];
  let pages = 0;
  let next: string | undefined = url;
  for (;;) {
    const page: any = await graph.api(next!).header('Prefer', prefer).get();
    pages++;
    items.push(...page.value);
    if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
    expect(page['@odata.nextLink']).toBeTruthy();
    next = page['@odata.nextLink'];
  }
}

describe('sendMail and message delta', () => {
  it('delivers sendMail into another mailbox, syncs it through delta to a deltaLink, then reports only changes and a delete as @removed', async () => {
    for (let i = 1; i <= 5; i++) {
      await graph.api(`/users/${asb}/sendMail`).post({
        message: { subject: `Noise complaint ${i}`, body: { contentType: 'Text', content: `Report ${i}` }, toRecipients: [{ emailAddress: { address: repairs } }] },
      });
    }
    const first = await drain(`/users/${repairs}/mailFolders/inbox/messages/delta?$select=subject,isRead,from,receivedDateTime`);
    expect(first.items.map((m) => m.subject).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `Noise complaint ${i}`));
    expect(first.pages).toBe(3); // maxpagesize=2 honoured
    expect(first.items[0].from.emailAddress.address).toBe(asb);
    expect(first.items[0].body).toBeUndefined(); // $select honoured

    // nothing changed: an empty page with a new deltaLink
    const idle = await graph.api(first.deltaLink).get();
    expect(idle.value).toEqual([]);
    expect(idle['@odata.deltaLink']).toBeTruthy();

    const [a, b] = first.items;
    await graph.api(`/users/${repairs}/messages/${a.id}`).patch({ isRead: true });
    await graph.api(`/users/${repairs}/messages/${b.id}`).delete();
    await graph.api(`/users/${asb}/sendMail`).post({ message: { subject: 'Noise complaint 6', body: { contentType: 'Text', content: '6' }, toRecipients: [{ emailAddress: { address: repairs } }] } });

    const second = await drain(first.deltaLink);
    expect(second.items).toHaveLength(3);
    const byId = new Map(second.items.map((x) => [x.id, x]));
    expect(byId.get(a.id)).toMatchObject({ isRead: true, subject: a.subject });
    expect(byId.get(b.id)).toEqual({ '@odata.type': '#microsoft.graph.message', id: b.id, '@removed': { reason: 'deleted' } });
    expect(second.items.some((x) => x.subject === 'Noise complaint 6')).toBe(true);

    // DELETE moved it to Deleted Items, as Exchange does
    const deleted = await graph.api(`/users/${repairs}/mailFolders/deleteditems/messages`).select('subject').get();
    expect(deleted.value.map((m: any) => m.subject)).toContain(b.subject);
    // and the sender kept a Sent Items copy
    const sent = await graph.api(`/users/${asb}/mailFolders/sentitems/messages`).top(50).get();
    expect(sent.value.length).toBeGreaterThanOrEqual(6);
  });

  it('answers an expired or a forged delta token with 410 SyncStateNotFound, and a fresh sync works again', async () => {
    const { deltaLink } = await drain(`/users/${repairs}/mailFolders/inbox/messages/delta`, 'odata.maxpagesize=50');
    expect((await h.admin('POST', '/delta/expire', { user: repairs })).status).toBe(200);
    const expired = await sdkError(graph.api(deltaLink).get());
    expect(expired.statusCode).toBe(410);
    expect(expired.code).toBe('SyncStateNotFound');
    const forged = deltaLink.replace(/\$deltatoken=([^&]+)/, (_m, t: string) => `$deltatoken=${t.slice(0, -3)}abc`);
    const e = await sdkError(graph.api(forged).get());
    expect(e.statusCode).toBe(410);
    expect(e.code).toBe('SyncStateNotFound');
    // a full resync works again
    expect((await drain(`/users/${repairs}/mailFolders/inbox/messages/delta`, 'odata.maxpagesize=50')).items.length).toBeGreaterThan(0);
  });

  it('keeps immutable ids across a move and changes regular ids, as Exchange does', async () => {
    await h.admin('POST', `/users/${asb}/messages`, { subject: 'Move me', body: { content: 'x' } });
    const imm = await graph.api(`/users/${asb}/mailFolders/inbox/messages`).header('Prefer', 'IdType="ImmutableId"').filter("subject eq 'Move me'").get();
    const reg = await graph.api(`/users/${asb}/mailFolders/inbox/messages`).filter("subject eq 'Move me'").get();
    const immutableId = imm.value[0].id;
    const regularId = reg.value[0].id;
    expect(immutableId).not.toBe(regularId);
    const archived = await graph.api(`/users/${asb}/messages/${regularId}/move`).post({ destinationId: 'archive' });
    expect(archived.id).not.toBe(regularId);
    const raw = await graph.api(`/users/${asb}/messages/${immutableId}`).header('Prefer', 'IdType="ImmutableId"').responseType(ResponseType.RAW).get();
    expect(raw.headers.get('preference-applied')).toContain('IdType="ImmutableId"');
    const again = await raw.json();
    expect(again.id).toBe(immutableId);
    expect(again.parentFolderId).toBe(archived.parentFolderId);
    expect((await sdkError(graph.api(`/users/${asb}/messages/${regularId}`).get())).code).toBe('ErrorItemNotFound');
  });
});

describe('owner actions and delta options', () => {
  it('shows the owner reading and moving mail in delta, and filters rounds by changeType', async () => {
    const user = 'lettings@housingorganisation.co.uk';
    const folder = await graph.api(`/users/${user}/mailFolders`).post({ displayName: 'Owner tests' });
    const a = (await h.admin('POST', `/users/${user}/messages`, { subject: 'Owner A', folder: folder.id })).body;
    const b = (await h.admin('POST', `/users/${user}/messages`, { subject: 'Owner B', folder: folder.id })).body;
    const url = `/users/${user}/mailFolders/${folder.id}/messages/delta`;
    const created = await graph.api(`${url}?changeType=created`).header('Prefer', 'IdType="ImmutableId"').get();
    expect(created.value.map((m: any) => m.subject).sort()).toEqual(['Owner A', 'Owner B']);
    const deltaLink = created['@odata.deltaLink'];
    expect((await h.admin('POST', `/users/${user}/messages/${a.immutableId}/read`, {})).status).toBe(200);
    expect((await h.admin('POST', `/users/${user}/messages/${b.immutableId}/move`, { destinationId: 'archive' })).status).toBe(200);
    const c = (await h.admin('POST', `/users/${user}/messages`, { subject: 'Owner C', folder: folder.id })).body;
    // the round was started with changeType=created: only new arrivals
    const round = await graph.api(deltaLink).header('Prefer', 'IdType="ImmutableId"').get();
    expect(round.value.map((m: any) => m.id)).toEqual([c.immutableId]);
    // a plain round from the same start sees the read, the move out and the arrival
    const plain = await graph.api(url).header('Prefer', 'IdType="ImmutableId"').get();
    expect(plain.value.map((m: any) => m.subject).sort()).toEqual(['Owner A', 'Owner C']);
    expect(plain.value.find((m: any) => m.subject === 'Owner A').isRead).toBe(true);
  });

  it('accepts OData key syntax and a percent-encoded UPN, and keeps links followable', async () => {
    const token = await h.token();
    const encoded = encodeURIComponent(asb);
    const res = await h.fetch(`${h.emu.graphBaseUrl}/users('${encoded}')/mailFolders('inbox')/messages/delta`, { headers: { authorization: `Bearer ${token}`, prefer: 'odata.maxpagesize=1' } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Record<string, string>;
    const link = page['@odata.nextLink'] ?? page['@odata.deltaLink'];
    expect(link).toContain(`/users/${asb}/mailFolders/inbox/messages/delta?`);
    expect((await h.fetch(link, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('expands single-value extended properties in delta rounds, the $expand carried by the tokens', async () => {
    const marker = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name OutboxId';
    const expand = `singleValueExtendedProperties($filter=id eq '${marker}')`;
    const first = await graph.api(`/users/${repairs}/mailFolders/drafts/messages/delta`).select('subject').expand(expand).header('Prefer', 'IdType="ImmutableId"').get();
    await graph.api(`/users/${repairs}/messages`).post({ subject: 'Marked draft', singleValueExtendedProperties: [{ id: marker, value: 'outbox-7' }] });
    await graph.api(`/users/${repairs}/messages`).post({ subject: 'Unmarked draft' });
    const next = await graph.api(first['@odata.deltaLink']).header('Prefer', 'IdType="ImmutableId"').get();
    const bySubject = Object.fromEntries(next.value.map((m: any) => [m.subject, m]));
    expect(bySubject['Marked draft'].singleValueExtendedProperties).toEqual([{ id: marker, value: 'outbox-7' }]);
    expect(bySubject['Unmarked draft'].singleValueExtendedProperties).toBeUndefined();
  });

  it('answers /me with 400 for an app-only token and echoes the honoured page size', async () => {
    const e = await sdkError(graph.api('/me/messages').get());
    expect(e.statusCode).toBe(400);
    expect(e.message).toMatch(/delegated authentication flow/);
    const raw = await graph.api(`/users/${asb}/mailFolders/inbox/messages/delta`).header('Prefer', 'odata.maxpagesize=3').responseType(ResponseType.RAW).get();
    expect(raw.headers.get('preference-applied')).toBe('odata.maxpagesize=3');
    expect(raw.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('replies and forwards', () => {
  it('replies in the same conversation with In-Reply-To, and forwards with the attachments', async () => {
    const orig = (await h.admin('POST', `/users/${repairs}/messages`, {
      subject: 'Boiler broken', from: { emailAddress: { name: 'Tenant', address: asb } }, body: { contentType: 'text', content: 'No heating' },
      internetMessageId: '<boiler-1@housingorganisation.co.uk>',
      attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'photo.jpg', contentType: 'image/jpeg', contentBytes: Buffer.from('jpeg').toString('base64') }],
    })).body;
    await graph.api(`/users/${repairs}/messages/${orig.immutableId}/reply`).post({ comment: 'An engineer comes tomorrow.' });
    const got = await graph.api(`/users/${asb}/mailFolders/inbox/messages`).filter("subject eq 'RE: Boiler broken'").select('subject,body,internetMessageHeaders,conversationId').get();
    expect(got.value).toHaveLength(1);
    expect(got.value[0].body.content).toContain('An engineer comes tomorrow.');
    expect(got.value[0].internetMessageHeaders).toEqual(expect.arrayContaining([{ name: 'In-Reply-To', value: '<boiler-1@housingorganisation.co.uk>' }]));

    const fw = await graph.api(`/users/${repairs}/messages/${orig.immutableId}/createForward`).post({});
    expect(fw).toMatchObject({ subject: 'FW: Boiler broken', isDraft: true, hasAttachments: true });
    await graph.api(`/users/${repairs}/messages/${fw.id}`).patch({ toRecipients: [{ emailAddress: { address: 'contractor@example.org' } }] });
    await graph.api(`/users/${repairs}/messages/${fw.id}/send`).post({});
    const outbound = await h.admin('GET', '/outbound');
    expect(outbound.body.value.some((o: any) => o.subject === 'FW: Boiler broken' && o.to.includes('contractor@example.org'))).toBe(true);
  });
});

describe('listing messages', () => {
  it('filters on receivedDateTime and isRead, orders, and pages with @odata.nextLink', async () => {
    const user = `lettings@housingorganisation.co.uk`;
    for (let d = 1; d <= 7; d++) {
      await h.admin('POST', `/users/${user}/messages`, { subject: `Day ${d}`, receivedDateTime: `2026-01-0${d}T09:00:00Z`, isRead: d % 2 === 0 });
    }
    const page1 = await graph.api(`/users/${user}/mailFolders/inbox/messages`).filter('receivedDateTime ge 2026-01-03T00:00:00Z and isRead eq false').orderby('receivedDateTime asc').select('subject,receivedDateTime').top(2).get();
    expect(page1.value.map((m: any) => m.subject)).toEqual(['Day 3', 'Day 5']);
    expect(page1['@odata.context']).toContain('$metadata#');
    const counted = await graph.api(`/users/${user}/mailFolders/inbox/messages`).filter('isRead eq true').count(true).top(1).get();
    expect(counted['@odata.count']).toBe(3);
    const page2 = await graph.api(page1['@odata.nextLink']).get();
    expect(page2.value.map((m: any) => m.subject)).toEqual(['Day 7']);
    expect(page2['@odata.nextLink']).toBeUndefined();
    const newest = await graph.api(`/users/${user}/messages`).filter("startswith(subject, 'Day ')").top(1).get();
    expect(newest.value[0].subject).toBe('Day 7'); // default order: receivedDateTime desc
  });
});

describe('attachments', () => {
  it('serves file, item and reference attachments, with $value as Graph does (405 for a reference)', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake pdf bytes');
    const created = await h.admin('POST', `/users/${repairs}/messages`, {
      subject: 'With attachments',
      attachments: [
        { '@odata.type': '#microsoft.graph.fileAttachment', name: 'report.pdf', contentType: 'application/pdf', contentBytes: pdf.toString('base64') },
        { '@odata.type': '#microsoft.graph.fileAttachment', name: 'logo.png', contentType: 'image/png', contentBytes: Buffer.from('png').toString('base64'), isInline: true, contentId: 'logo@x' },
        { '@odata.type': '#microsoft.graph.itemAttachment', name: 'Forwarded', item: { '@odata.type': '#microsoft.graph.message', subject: 'Original complaint', body: { contentType: 'text', content: 'original text' } } },
        { '@odata.type': '#microsoft.graph.referenceAttachment', name: 'Photos', sourceUrl: 'https://contoso.sharepoint.com/photos' },
      ],
    });
    const id = created.body.immutableId;
    const base = `/users/${repairs}/messages/${id}`;
    const msg = await graph.api(base).header('Prefer', 'IdType="ImmutableId"').get();
    expect(msg.hasAttachments).toBe(true);
    const list = await graph.api(`${base}/attachments`).get();
    expect(list.value.map((a: any) => a['@odata.type'])).toEqual(['#microsoft.graph.fileAttachment', '#microsoft.graph.fileAttachment', '#microsoft.graph.itemAttachment', '#microsoft.graph.referenceAttachment']);
    const [file, inline, item, ref] = list.value;
    expect(file).toMatchObject({ name: 'report.pdf', contentType: 'application/pdf', size: pdf.length, isInline: false });
    expect(inline).toMatchObject({ isInline: true, contentId: 'logo@x' });
    const bytes = Buffer.from(await graph.api(`${base}/attachments/${file.id}/$value`).responseType(ResponseType.ARRAYBUFFER).get());
    expect(bytes.equals(pdf)).toBe(true);
    const mime: string = await graph.api(`${base}/attachments/${item.id}/$value`).responseType(ResponseType.TEXT).get();
    expect(mime).toMatch(/^Subject: Original complaint$/m);
    const e = await sdkError(graph.api(`${base}/attachments/${ref.id}/$value`).get());
    expect(e.statusCode).toBe(405);
    const one = await graph.api(`${base}/attachments/${file.id}`).get();
    expect(Buffer.from(one.contentBytes, 'base64').equals(pdf)).toBe(true);
  });
});

describe('drafts, upload sessions and send', () => {
  it('finds a draft again by its single-value extended property, uploads 10 MB in ranges and sends it', async () => {
    const marker = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name OutboxId';
    const draft = await graph.api(`/users/${asb}/messages`).header('Prefer', 'IdType="ImmutableId"').post({
      subject: 'Your repair appointment',
      body: { contentType: 'HTML', content: '<p>Attached: photos</p>' },
      toRecipients: [{ emailAddress: { address: repairs } }, { emailAddress: { address: 'tenant@example.org' } }],
      singleValueExtendedProperties: [{ id: marker, value: 'outbox-42' }],
    });
    expect(draft.isDraft).toBe(true);
    const found = await graph.api(`/users/${asb}/mailFolders/drafts/messages`).header('Prefer', 'IdType="ImmutableId"')
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${marker}' and ep/value eq 'outbox-42')`)
      .expand(`singleValueExtendedProperties($filter=id eq '${marker}')`).get();
    expect(found.value.map((m: any) => m.id)).toEqual([draft.id]);
    expect(found.value[0].singleValueExtendedProperties).toEqual([{ id: marker, value: 'outbox-42' }]);

    const size = 10 * 1024 * 1024;
    const content = Buffer.alloc(size);
    for (let i = 0; i < size; i++) content[i] = (i * 31) & 0xff;
    const session = await graph.api(`/users/${asb}/messages/${draft.id}/attachments/createUploadSession`).post({ AttachmentItem: { attachmentType: 'file', name: 'photos.zip', size } });
    expect(session.nextExpectedRanges).toEqual(['0-']);
    const uploadUrl: string = session.uploadUrl;
    // the uploadUrl is pre-authenticated: plain PUTs without an Authorization header
    const chunk = 3 * 1024 * 1024;
    let last: Response | undefined;
    for (let start = 0; start < size; start += chunk) {
      const end = Math.min(start + chunk, size) - 1;
      last = await h.fetch(uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes ${start}-${end}/${size}`, 'content-type': 'application/octet-stream' }, body: content.subarray(start, end + 1) });
      if (end < size - 1) {
        expect(last.status).toBe(200);
        expect(((await last.json()) as any).nextExpectedRanges).toEqual([String(end + 1)]);
      }
    }
    expect(last!.status).toBe(201);
    expect(last!.headers.get('location')).toMatch(/attachments\('/);

    await graph.api(`/users/${asb}/messages/${draft.id}/send`).post({});
    const inbox = await graph.api(`/users/${repairs}/mailFolders/inbox/messages`).filter("subject eq 'Your repair appointment'").get();
    expect(inbox.value).toHaveLength(1);
    const atts = await graph.api(`/users/${repairs}/messages/${inbox.value[0].id}/attachments`).select('name,size').get();
    expect(atts.value[0]).toMatchObject({ name: 'photos.zip', size });
    const got = Buffer.from(await graph.api(`/users/${repairs}/messages/${inbox.value[0].id}/attachments/${atts.value[0].id}/$value`).responseType(ResponseType.ARRAYBUFFER).get());
    expect(got.equals(content)).toBe(true);
    // the sent draft is in Sent Items under the same immutable id; the outside address is logged
    const sent = await graph.api(`/users/${asb}/messages/${draft.id}`).header('Prefer', 'IdType="ImmutableId"').get();
    expect(sent.isDraft).toBe(false);
    const outbound = await h.admin('GET', '/outbound');
    expect(outbound.body.value.some((o: any) => o.to.includes('tenant@example.org') && o.subject === 'Your repair appointment')).toBe(true);
  });

  it('takes a 10 MB attachment through the SDK LargeFileUploadTask (ranges under the 4 MB limit)', async () => {
    const draft = await graph.api(`/users/${asb}/messages`).post({ subject: 'SDK upload', toRecipients: [{ emailAddress: { address: repairs } }] });
    const size = 10 * 1024 * 1024;
    const content = Buffer.alloc(size, 7);
    const session = await LargeFileUploadTask.createUploadSession(graph, `/users/${asb}/messages/${draft.id}/attachments/createUploadSession`, { AttachmentItem: { attachmentType: 'file', name: 'scan.pdf', size } });
    const task = new LargeFileUploadTask(graph, new FileUpload(content, 'scan.pdf', size), session, { rangeSize: 3 * 1024 * 1024 });
    const result = await task.upload();
    expect(result.location).toMatch(/attachments\('/);
    await graph.api(`/users/${asb}/messages/${draft.id}/send`).post({});
    const got = await graph.api(`/users/${repairs}/mailFolders/inbox/messages`).filter("subject eq 'SDK upload'").expand('attachments').get();
    expect(got.value[0].attachments[0]).toMatchObject({ name: 'scan.pdf', size });
  });

  it('refuses bodies over 4 MB with 413 and a foreign from without a Send As grant with ErrorSendAsDenied', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024).toString('base64');
    const e = await sdkError(graph.api(`/users/${asb}/sendMail`).post({ message: { subject: 'big', toRecipients: [{ emailAddress: { address: repairs } }], attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.bin', contentBytes: big }] } }));
    expect(e.statusCode).toBe(413);
    const denied = await sdkError(graph.api(`/users/${repairs}/sendMail`).post({ message: { subject: 'x', from: { emailAddress: { address: asb } }, toRecipients: [{ emailAddress: { address: asb } }] } }));
    expect(denied.statusCode).toBe(403);
    expect(denied.code).toBe('ErrorSendAsDenied');
    // asb holds a Send As grant on noreply@
    await graph.api(`/users/${asb}/sendMail`).post({ message: { subject: 'from noreply', from: { emailAddress: { address: 'noreply@housingorganisation.co.uk' } }, toRecipients: [{ emailAddress: { address: repairs } }] }, saveToSentItems: false });
    const got = await graph.api(`/users/${repairs}/mailFolders/inbox/messages`).filter("subject eq 'from noreply'").get();
    expect(got.value[0].from.emailAddress.address).toBe('noreply@housingorganisation.co.uk');
  });

  it('sends base64 MIME through sendMail and threads the reply into the same conversation', async () => {
    const mime = [
      `From: ASB Team <${asb}>`, `To: <${repairs}>`, 'Subject: MIME hello', 'Message-ID: <mime-1@housingorganisation.co.uk>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Sent as MIME.',
    ].join('\r\n');
    await graph.api(`/users/${asb}/sendMail`).header('Content-Type', 'text/plain').post(Buffer.from(mime).toString('base64'));
    const reply = [
      `From: ASB Team <${asb}>`, `To: <${repairs}>`, 'Subject: RE: MIME hello', 'Message-ID: <mime-2@housingorganisation.co.uk>', 'In-Reply-To: <mime-1@housingorganisation.co.uk>', 'References: <mime-1@housingorganisation.co.uk>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Reply.',
    ].join('\r\n');
    await graph.api(`/users/${asb}/sendMail`).header('Content-Type', 'text/plain').post(Buffer.from(reply).toString('base64'));
    const got = await graph.api(`/users/${repairs}/mailFolders/inbox/messages`).filter("startswith(subject, 'MIME hello') or subject eq 'RE: MIME hello'").select('subject,internetMessageId,conversationId,body').get();
    expect(got.value).toHaveLength(2);
    expect(new Set(got.value.map((m: any) => m.conversationId)).size).toBe(1);
    expect(got.value.map((m: any) => m.internetMessageId).sort()).toEqual(['<mime-1@housingorganisation.co.uk>', '<mime-2@housingorganisation.co.uk>']);
  });
});
