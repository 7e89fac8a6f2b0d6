import { describe, expect, it } from 'vitest';
import { judgeAttachment, judgeInlineImage, looksLikeText, maxAttachmentBytes } from './attachment-policy.ts';

const pdf = Buffer.from('%PDF-1.7\n...');
const exe = Buffer.from('MZ\x90\x00\x03', 'latin1');
const policy = { allowed: ['PDF', 'TXT', 'DOCX'], maxBytes: 1000 };

describe('attachment policy: type by extension AND magic bytes, size by EMAIL_ATT_FILESIZE', () => {
  it('keeps a PDF that is a PDF', () => {
    expect(judgeAttachment({ name: 'Letter.PDF', size: 10, head: pdf }, policy)).toEqual({ saved: true, type: 'PDF' });
  });

  it('rejects a renamed .exe, saying what it really is', () => {
    const v = judgeAttachment({ name: 'invoice.pdf', size: 5, head: exe }, policy);
    expect(v).toMatchObject({ saved: false, detected: 'a Windows program (MZ header)' });
    expect(v.saved === false && v.reason).toMatch(/^The name says PDF document \(\.pdf\) but the content is not one: it is a Windows program/);
  });

  it('rejects types not in EMAIL_ATT_FILETYPE, empty files, files without an extension, and files over the limit', () => {
    expect(judgeAttachment({ name: 'x.exe', size: 5, head: exe }, policy)).toMatchObject({ saved: false, reason: '.exe files are not a permitted type (EMAIL_ATT_FILETYPE allows PDF, TXT, DOCX)' });
    expect(judgeAttachment({ name: 'x.pdf', size: 0, head: Buffer.alloc(0) }, policy)).toMatchObject({ saved: false, reason: 'The file is empty (0 bytes)' });
    expect(judgeAttachment({ name: 'README', size: 5, head: pdf }, policy)).toMatchObject({ saved: false });
    expect(judgeAttachment({ name: 'x.pdf', size: 1001, head: pdf }, policy)).toMatchObject({ saved: false, reason: 'Larger than the limit of 1000 bytes (EMAIL_ATT_FILESIZE)' });
    expect(judgeAttachment({ name: 'x.pdf', size: 5, head: pdf }, { allowed: [], maxBytes: 1000 })).toMatchObject({ saved: false, reason: expect.stringMatching(/no active values/) });
  });

  it('judges text types by content: text yes, binary no', () => {
    expect(judgeAttachment({ name: 'notes.txt', size: 5, head: Buffer.from('hello\r\nthere') }, policy)).toEqual({ saved: true, type: 'TXT' });
    expect(judgeAttachment({ name: 'notes.txt', size: 5, head: exe }, policy).saved).toBe(false);
    expect(looksLikeText(Buffer.from('café', 'utf8').subarray(0, 4))).toBe(true); // a character cut at the end of the sample
    expect(looksLikeText(Buffer.from([0xff, 0xfe, 0x68, 0x00]))).toBe(true); // UTF-16 with a BOM
  });

  it('keeps inline images by content only', () => {
    expect(judgeInlineImage({ size: 8, head: Buffer.from('89504E470D0A1A0A', 'hex') }, 100)).toEqual({ saved: true, type: 'PNG' });
    expect(judgeInlineImage({ size: 8, head: exe }, 100).saved).toBe(false);
  });

  it('reads EMAIL_ATT_FILESIZE in GB, fractions allowed; unset means Graph\'s 150 MB', () => {
    expect(maxAttachmentBytes('2')).toBe(2 * 1024 ** 3);
    expect(maxAttachmentBytes('0.5')).toBe(512 * 1024 ** 2);
    expect(maxAttachmentBytes(null)).toBe(150 * 1024 * 1024);
  });
});
