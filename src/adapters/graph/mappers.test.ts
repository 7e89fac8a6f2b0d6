// Fixtures follow the examples on https://learn.microsoft.com/graph/api/resources/message and
// /graph/api/event-delta.
import { describe, expect, it } from 'vitest';
import { markerFilter, markerPropertyId, toCalendarChange, toGraphMessage, toInboxChange, toInboxMessage, instantOf } from './mappers.ts';

describe('message mapping', () => {
  it('builds the Graph message for a draft with our marker', () => {
    const m = toGraphMessage({ subject: 'Hi', html: '<p>x</p>', text: 'x', to: [{ address: 'a@b.c', name: 'A' }], cc: [{ address: 'c@d.e' }], headers: [{ name: 'x-ref', value: '1' }] }, 'o-1');
    expect(m).toEqual({
      subject: 'Hi',
      body: { contentType: 'html', content: '<p>x</p>' },
      toRecipients: [{ emailAddress: { address: 'a@b.c', name: 'A' } }],
      ccRecipients: [{ emailAddress: { address: 'c@d.e' } }],
      internetMessageHeaders: [{ name: 'x-ref', value: '1' }],
      singleValueExtendedProperties: [{ id: markerPropertyId, value: 'o-1' }],
    });
    expect(toGraphMessage({ subject: 's', text: 'plain', to: [] }).body).toEqual({ contentType: 'text', content: 'plain' });
  });

  it('reads a Graph message into an InboxMessage', () => {
    const m = toInboxMessage({
      id: 'AAMkAGI2',
      internetMessageId: '<abc@example.org>',
      subject: 'Noise complaint',
      from: { emailAddress: { name: 'Tenant', address: 'tenant@example.org' } },
      toRecipients: [{ emailAddress: { name: 'asb@h.co.uk', address: 'asb@h.co.uk' } }],
      receivedDateTime: '2026-03-02T09:30:00Z',
      body: { contentType: 'html', content: '<p>Loud</p>' },
      hasAttachments: true,
      isRead: false,
      parentFolderId: 'inbox-id',
      singleValueExtendedProperties: [{ id: markerPropertyId, value: 'o-9' }],
    });
    expect(m).toMatchObject({ id: 'AAMkAGI2', subject: 'Noise complaint', from: { address: 'tenant@example.org', name: 'Tenant' }, to: [{ address: 'asb@h.co.uk' }], hasAttachments: true, folderId: 'inbox-id', marker: 'o-9', body: { kind: 'html', content: '<p>Loud</p>' } });
    expect(m.receivedAt.toISOString()).toBe('2026-03-02T09:30:00.000Z');
    expect(m.to[0].name).toBeUndefined(); // a name equal to the address adds nothing
  });

  it('reads @removed delta entries as removals', () => {
    expect(toInboxChange({ id: 'x', '@removed': { reason: 'deleted' } } as any)).toEqual({ kind: 'removed', id: 'x', reason: 'deleted' });
    expect(toInboxChange({ id: 'y', '@removed': { reason: 'changed' } } as any)).toEqual({ kind: 'removed', id: 'y', reason: 'changed' });
    expect(toCalendarChange({ id: 'e', '@removed': { reason: 'deleted' } } as any)).toEqual({ kind: 'removed', id: 'e' });
  });
});

describe('calendar mapping', () => {
  it('reads UTC wall-clock times as instants', () => {
    expect(instantOf({ dateTime: '2026-03-29T01:30:00.0000000', timeZone: 'UTC' }).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    const c = toCalendarChange({ id: 'e1', changeKey: 'ck', subject: 'Visit', start: { dateTime: '2026-03-02T09:30:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-03-02T10:00:00.0000000', timeZone: 'UTC' }, attendees: [{ emailAddress: { address: 't@x.org' }, type: 'required', status: { response: 'accepted' } }] });
    expect(c).toMatchObject({ kind: 'upsert', event: { id: 'e1', changeKey: 'ck', subject: 'Visit', attendees: [{ address: 't@x.org', type: 'required', response: 'accepted' }] } });
    if (c.kind === 'upsert') expect(c.event.endsAt.getTime() - c.event.startsAt.getTime()).toBe(30 * 60_000);
  });
});

describe('markerFilter', () => {
  it('quotes the value as an OData string', () => {
    expect(markerFilter("o'1")).toBe(`singleValueExtendedProperties/Any(ep: ep/id eq '${markerPropertyId}' and ep/value eq 'o''1')`);
  });
});
