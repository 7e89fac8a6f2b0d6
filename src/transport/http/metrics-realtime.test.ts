import { describe, expect, it } from 'vitest';
import { graphRoute, mailboxOf, recordGraphResponse } from './metrics-realtime.ts';
import { registry } from './metrics.ts';

describe('Graph route labels', () => {
  it('replaces mailboxes and ids so label cardinality stays small', () => {
    expect(graphRoute('https://graph.microsoft.com/v1.0/users/asb%40x.org/mailFolders/inbox/messages/delta?$deltatoken=abc')).toBe('/users/{user}/mailFolders/inbox/messages/delta');
    expect(graphRoute('https://graph.microsoft.com/v1.0/users/asb@x.org/messages/AAMkAGI2TG93AAA=/attachments')).toBe('/users/{user}/messages/{id}/attachments');
    expect(graphRoute('https://graph.microsoft.com/v1.0/subscriptions/7f105c7d-2dc5-4530-97cd-4e7ae6534c07')).toBe('/subscriptions/{id}');
  });

  it('finds the mailbox a request touches', () => {
    expect(mailboxOf('https://graph.microsoft.com/v1.0/users/ASB%40x.org/events')).toBe('asb@x.org');
    expect(mailboxOf('https://graph.microsoft.com/v1.0/subscriptions')).toBeUndefined();
  });
});

describe('Graph route labels carry no case content', () => {
  it('keeps only Graph path words: a folder named after a case or a resident becomes {id}', () => {
    expect(graphRoute('https://graph.microsoft.com/v1.0/users/asb@x.org/mailFolders/JSmith/messages/delta')).toBe('/users/{user}/mailFolders/{id}/messages/delta');
    expect(graphRoute('https://graph.microsoft.com/v1.0/users/asb@x.org/mailFolders/Threats%20from%20neighbour/messages')).toBe('/users/{user}/mailFolders/{id}/messages');
    expect(graphRoute('https://graph.microsoft.com/v1.0/users/asb@x.org/messages/short/attachments/abc/$value')).toBe('/users/{user}/messages/{id}/attachments/{id}/$value');
    expect(graphRoute('https://graph.microsoft.com/v1.0/$batch')).toBe('/$batch');
  });

  it('scrapes no subject, sender or folder name after Graph requests that carried them', async () => {
    recordGraphResponse({ method: 'GET', url: "https://graph.microsoft.com/v1.0/users/victim.elm%40example.org/mailFolders/ElmRow/messages?$filter=subject eq 'Knife threat'", status: 200 });
    recordGraphResponse({ method: 'POST', url: 'https://graph.microsoft.com/v1.0/users/asb@x.org/mailFolders/Knife-threat/messages/AAMk=/move', status: 429 });
    const text = await registry.metrics();
    expect(text).toContain('route="/users/{user}/mailFolders/{id}/messages"');
    for (const word of ['victim', 'ElmRow', 'Knife', 'threat', 'asb@x.org']) expect(text).not.toContain(word);
  });
});
