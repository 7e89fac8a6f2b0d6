// Conformance of the conversation calls, driven by the unmodified Graph SDK: createReply /
// createReplyAll on a message in a shared mailbox (a draft From the mailbox, threaded on the original),
// PATCH of the draft, send (the copy in THAT mailbox's Sent Items; delivered to an internal recipient
// with the thread headers), categories, and move keeping the immutable id.
// https://learn.microsoft.com/graph/api/message-createreply, /message-send, /message-move
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asb, lettings, repairs, sdkError, startHarness, type Harness } from './helpers.ts';

let h: Harness;
let graph: ReturnType<Harness['graph']>;
beforeAll(async () => {
  h = await startHarness();
  graph = h.graph();
});
afterAll(() => h.stop());

const immutable = (req: ReturnType<typeof graph.api>) => req.header('Prefer', 'IdType="ImmutableId"');

async function residentWrites(subject: string, extra: Record<string, unknown> = {}) {
  // The resident is another mailbox of the tenant here, so the reply's delivery can be inspected.
  await graph.api(`/users/${repairs}/sendMail`).post({ message: { subject, body: { contentType: 'Text', content: 'The music is loud every night.' }, toRecipients: [{ emailAddress: { address: asb } }], ccRecipients: [{ emailAddress: { address: lettings } }], ...extra } });
  const inbox = await immutable(graph.api(`/users/${asb}/mailFolders/inbox/messages`)).filter(`subject eq '${subject}'`).select('id,subject,internetMessageId,conversationId,from').get();
  expect(inbox.value).toHaveLength(1);
  return inbox.value[0];
}

describe('createReply on a message in a shared mailbox', () => {
  it('makes a draft From the mailbox, RE: subject, to the sender, threaded on the original, and send files it in that mailbox\'s Sent Items', async () => {
    const orig = await residentWrites('Noise from flat 3');
    const draft = await immutable(graph.api(`/users/${asb}/messages/${orig.id}/createReply`)).post({
      message: { singleValueExtendedProperties: [{ id: 'String {6f1e2b7c-3a59-4d8e-9c41-0b5a7d2e8f13} Name housing365Marker', value: 'outbox-1' }] },
    });
    expect(draft).toMatchObject({ isDraft: true, subject: 'RE: Noise from flat 3', conversationId: orig.conversationId });
    expect(draft.from.emailAddress.address).toBe(asb);
    expect(draft.toRecipients.map((r: any) => r.emailAddress.address)).toEqual([repairs]);
    expect(draft.ccRecipients).toEqual([]);
    expect(draft.internetMessageId).toBeTruthy();
    expect(draft.body.content).toContain('The music is loud every night.'); // the quoted original

    await graph.api(`/users/${asb}/messages/${draft.id}`).patch({ subject: 'RE: Noise from flat 3 [ASB-1]', body: { contentType: 'HTML', content: '<p>We will visit on Monday.</p>' } });
    await graph.api(`/users/${asb}/messages/${draft.id}/attachments`).post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'leaflet.txt', contentBytes: Buffer.from('leaflet').toString('base64') });
    await graph.api(`/users/${asb}/messages/${draft.id}/send`).post({});

    const sent = await immutable(graph.api(`/users/${asb}/mailFolders/sentitems/messages`)).filter(`subject eq 'RE: Noise from flat 3 [ASB-1]'`).select('id,isDraft,conversationId,internetMessageId,hasAttachments').get();
    expect(sent.value).toHaveLength(1);
    expect(sent.value[0]).toMatchObject({ id: draft.id, isDraft: false, conversationId: orig.conversationId, internetMessageId: draft.internetMessageId });
    // found by its marker (how the outbox checks a send whose answer was lost)
    const marked = await graph.api(`/users/${asb}/messages`).filter("singleValueExtendedProperties/Any(ep: ep/id eq 'String {6f1e2b7c-3a59-4d8e-9c41-0b5a7d2e8f13} Name housing365Marker' and ep/value eq 'outbox-1')").select('id,isDraft').get();
    expect(marked.value.map((m: any) => m.isDraft)).toEqual([false]);

    // delivered to the resident with the thread headers, in the conversation of the original there
    const got = await graph.api(`/users/${repairs}/mailFolders/inbox/messages`).filter(`subject eq 'RE: Noise from flat 3 [ASB-1]'`).select('id,from,conversationId,internetMessageHeaders').get();
    expect(got.value).toHaveLength(1);
    expect(got.value[0].from.emailAddress.address).toBe(asb);
    const one = await graph.api(`/users/${repairs}/messages/${got.value[0].id}`).select('internetMessageHeaders,conversationId').get();
    const header = (n: string) => one.internetMessageHeaders.find((x: any) => x.name.toLowerCase() === n.toLowerCase())?.value;
    expect(header('In-Reply-To')).toBe(orig.internetMessageId);
    expect(header('References')).toContain(orig.internetMessageId);
    const residentsCopy = await graph.api(`/users/${repairs}/mailFolders/sentitems/messages`).filter(`subject eq 'Noise from flat 3'`).select('conversationId').get();
    expect(one.conversationId).toBe(residentsCopy.value[0].conversationId);
    // a second send of the same item is refused, never a second copy
    expect((await sdkError(graph.api(`/users/${asb}/messages/${draft.id}/send`).post({}))).statusCode).toBe(400);
  });

  it('createReplyAll keeps the other recipients (not the mailbox itself); a comment and a body together are refused', async () => {
    const orig = await residentWrites('Broken lift');
    const all = await graph.api(`/users/${asb}/messages/${orig.id}/createReplyAll`).post({});
    expect(all.toRecipients.map((r: any) => r.emailAddress.address)).toEqual([repairs]);
    expect(all.ccRecipients.map((r: any) => r.emailAddress.address)).toEqual([lettings]);
    const both = await sdkError(graph.api(`/users/${asb}/messages/${orig.id}/createReply`).post({ comment: 'x', message: { body: { contentType: 'Text', content: 'y' } } }));
    expect(both.statusCode).toBe(400);
  });

  it('honours the original\'s Reply-To', async () => {
    const orig = await residentWrites('Reply elsewhere', { replyTo: [{ emailAddress: { address: lettings } }] });
    const d = await graph.api(`/users/${asb}/messages/${orig.id}/createReply`).post({});
    expect(d.toRecipients.map((r: any) => r.emailAddress.address)).toEqual([lettings]);
  });
});

describe('marking the source message as handled', () => {
  it('sets categories with PATCH and moves it to a folder keeping its immutable id', async () => {
    const orig = await residentWrites('Graffiti on the wall');
    const patched = await graph.api(`/users/${asb}/messages/${orig.id}`).patch({ categories: ['housing365 ASB-7'] });
    expect(patched.categories).toEqual(['housing365 ASB-7']);
    const folder = await graph.api(`/users/${asb}/mailFolders`).post({ displayName: 'Handled ASB' });
    const moved = await immutable(graph.api(`/users/${asb}/messages/${orig.id}/move`)).post({ destinationId: folder.id });
    expect(moved.id).toBe(orig.id);
    const there = await immutable(graph.api(`/users/${asb}/mailFolders/${folder.id}/messages`)).filter(`internetMessageId eq '${orig.internetMessageId}'`).select('id,categories').get();
    expect(there.value).toEqual([expect.objectContaining({ id: orig.id, categories: ['housing365 ASB-7'] })]);
  });
});
