import { describe, expect, it } from 'vitest';
import { autoReplyReason, cleanText, htmlToText, messageIds, notAnEmailReason, threadingIds } from './classify.ts';

describe('inbound email classification', () => {
  it('recognises auto-replies by Auto-Submitted, X-Auto-Response-Suppress and Precedence', () => {
    expect(autoReplyReason([{ name: 'Auto-Submitted', value: 'auto-replied' }])).toBe('Auto-Submitted: auto-replied');
    expect(autoReplyReason([{ name: 'auto-submitted', value: 'no' }])).toBeNull();
    expect(autoReplyReason([{ name: 'X-Auto-Response-Suppress', value: 'All' }])).toMatch(/X-Auto-Response-Suppress/);
    expect(autoReplyReason([{ name: 'Precedence', value: 'bulk' }])).toBe('Precedence: bulk');
    expect(autoReplyReason([{ name: 'Precedence', value: 'first-class' }])).toBeNull();
  });

  it('takes read receipts and delivery reports (multipart/report, any report-type) for automatic mail', () => {
    expect(autoReplyReason([{ name: 'Content-Type', value: 'multipart/report; report-type=disposition-notification; boundary="b"' }])).toBe('Content-Type: multipart/report; report-type=disposition-notification');
    expect(autoReplyReason([{ name: 'content-type', value: 'Multipart/Report; boundary=x; report-type="delivery-status"' }])).toBe('Content-Type: multipart/report; report-type=delivery-status');
    expect(autoReplyReason([{ name: 'Content-Type', value: 'multipart/report; report-type=tlsrpt' }])).toMatch(/multipart\/report/);
    expect(autoReplyReason([{ name: 'Content-Type', value: 'multipart/mixed; boundary=x' }])).toBeNull();
  });

  it('tells input with no header block from an email', () => {
    const trace = [{ name: 'Received', value: 'from x by y' }, { name: 'Message-ID', value: '<a@b>' }, { name: 'Date', value: 'Fri, 4 Dec 2026 10:00:00 +0000' }];
    expect(notAnEmailReason({ headers: trace, hasSender: true })).toMatch(/^Not an email: it has no header block/);
    expect(notAnEmailReason({ headers: [...trace, { name: 'Subject', value: 'hi' }], hasSender: true })).toBeNull();
    expect(notAnEmailReason({ headers: [...trace, { name: 'FROM', value: 'a@b' }], hasSender: true })).toBeNull();
    // Mail sent inside the tenant comes without internet headers.
    expect(notAnEmailReason({ headers: [], hasSender: true })).toBeNull();
    expect(notAnEmailReason({ headers: undefined, hasSender: false })).toMatch(/^Not an email/);
  });

  it('reads In-Reply-To and References, bounded', () => {
    expect(threadingIds([{ name: 'In-Reply-To', value: '<a@b>' }, { name: 'References', value: '<x@y>\r\n <a@b>' }])).toEqual({ inReplyTo: '<a@b>', references: ['<x@y>', '<a@b>'] });
    expect(messageIds(Array.from({ length: 3000 }, (_, i) => `<m${i}@x>`).join(' '))).toHaveLength(50);
  });

  it('makes hostile text storable and HTML readable as text', () => {
    expect(cleanText('a\u0000b')).toBe('a\uFFFDb');
    expect(htmlToText('<style>p{}</style><p>Hello&nbsp;<b>there</b></p><script>x()</script><p>A &amp; B &#x1F600;</p>')).toBe('Hello there\n\nA & B 😀');
  });

  it('keeps the text of hostile HTML: 200,000 unclosed tags, deep nesting, a lone <', () => {
    expect(htmlToText('<style>'.repeat(20_000) + 'hidden')).toBe('');
    expect(htmlToText('<div>'.repeat(200_000) + 'deep text')).toBe('deep text');
    expect(htmlToText('<b>a'.repeat(1000))).toBe('a'.repeat(1000));
    expect(htmlToText('1 < 2 and <p>x</p>')).toBe('1 < 2 and\n\nx');
    expect(htmlToText('<p>a\u0000b</p>')).toBe('a\uFFFDb');
    expect(htmlToText('<table><tr><td>Rent</td><td>£100</td></tr></table>')).toBe('Rent £100');
  });
});
