import { describe, expect, it } from 'vitest';
import { fitFileName, judgeAttachment, judgeInlineImage, looksLikeText, maxAttachmentBytes } from './attachment-policy.ts';

const pdf = Buffer.from('%PDF-1.7\n...');
const exe = Buffer.from('MZ\x90\x00\x03', 'latin1');
const policy = { allowed: ['PDF', 'TXT', 'DOCX', 'DOC', 'MSG'], maxBytes: 1000 };
// What the content detector (file-type + the OLE2 check) says of each.
const PDF = { ext: 'pdf', mime: 'application/pdf' };
const DOCX = { ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };
const ZIP = { ext: 'zip', mime: 'application/zip' };
const CFB = { ext: 'cfb', mime: 'application/x-cfb' };
const EXE = { ext: 'exe', mime: 'application/x-msdownload' };

describe('attachment policy: type by extension AND detected content, size by EMAIL_ATT_FILESIZE', () => {
  it('keeps a PDF that is a PDF', () => {
    expect(judgeAttachment({ name: 'Letter.PDF', size: 10, head: pdf, content: PDF }, policy)).toEqual({ saved: true, type: 'PDF' });
  });

  it('rejects a renamed .exe, saying what it really is', () => {
    const v = judgeAttachment({ name: 'invoice.pdf', size: 5, head: exe, content: EXE }, policy);
    expect(v).toMatchObject({ saved: false, detected: 'a Windows program (MZ header)' });
    expect(v.saved === false && v.reason).toMatch(/^The name says PDF document \(\.pdf\) but the content is not one: it is a Windows program/);
  });

  it('rejects types not in EMAIL_ATT_FILETYPE, empty files, files without an extension, and files over the limit', () => {
    expect(judgeAttachment({ name: 'x.exe', size: 5, head: exe }, policy)).toMatchObject({ saved: false, reason: '.exe files are not a permitted type (EMAIL_ATT_FILETYPE allows PDF, TXT, DOCX, DOC, MSG)' });
    expect(judgeAttachment({ name: 'x.pdf', size: 0, head: Buffer.alloc(0) }, policy)).toMatchObject({ saved: false, reason: 'The file is empty (0 bytes)' });
    expect(judgeAttachment({ name: 'README', size: 5, head: pdf }, policy)).toMatchObject({ saved: false });
    expect(judgeAttachment({ name: 'x.pdf', size: 1001, head: pdf }, policy)).toMatchObject({ saved: false, reason: 'Larger than the limit of 1000 bytes (EMAIL_ATT_FILESIZE)' });
    expect(judgeAttachment({ name: 'x.pdf', size: 5, head: pdf }, { allowed: [], maxBytes: 1000 })).toMatchObject({ saved: false, reason: expect.stringMatching(/no active values/) });
  });

  it('takes a Word document for DOCX, and neither a plain ZIP nor a PDF named .docx (the check that accepted any ZIP)', () => {
    const zipHead = Buffer.from('PK\x03\x04', 'latin1');
    expect(judgeAttachment({ name: 'letter.docx', size: 50, head: zipHead, content: DOCX }, policy)).toEqual({ saved: true, type: 'DOCX' });
    const zip = judgeAttachment({ name: 'letter.docx', size: 50, head: zipHead, content: ZIP }, policy);
    expect(zip).toMatchObject({ saved: false, detected: 'ZIP archive (ZIP)' });
    expect(zip.saved === false && zip.reason).toMatch(/^The name says Word document \(\.docx\) but the content is not one: it is ZIP archive/);
    expect(judgeAttachment({ name: 'letter.docx', size: 50, head: pdf, content: PDF }, policy).saved).toBe(false);
    // Nothing recognised: not a binary type.
    expect(judgeAttachment({ name: 'letter.docx', size: 50, head: zipHead, content: undefined }, policy).saved).toBe(false);
  });

  it('tells Word 97-2003 and Outlook .msg apart inside OLE2 (the check that accepted any OLE2 file)', () => {
    const ole = Buffer.from('D0CF11E0A1B11AE1', 'hex');
    expect(judgeAttachment({ name: 'old.doc', size: 50, head: ole, content: { ext: 'doc', mime: 'application/msword' } }, policy)).toEqual({ saved: true, type: 'DOC' });
    expect(judgeAttachment({ name: 'old.doc', size: 50, head: ole, content: { ext: 'msg', mime: 'application/vnd.ms-outlook' } }, policy).saved).toBe(false);
    expect(judgeAttachment({ name: 'old.doc', size: 50, head: ole, content: CFB }, policy).saved).toBe(false);
    expect(judgeAttachment({ name: 'mail.msg', size: 50, head: ole, content: { ext: 'msg', mime: 'application/vnd.ms-outlook' } }, policy)).toEqual({ saved: true, type: 'MSG' });
  });

  it('cuts a long file name keeping its extension', () => {
    const long = 'a'.repeat(1000) + '.pdf';
    expect(fitFileName(long)).toHaveLength(255);
    expect(fitFileName(long).endsWith('.pdf')).toBe(true);
    expect(fitFileName('short.pdf')).toBe('short.pdf');
    expect(fitFileName('😀'.repeat(300) + '.pdf')).toBe('😀'.repeat(251) + '.pdf');
    expect(fitFileName('x'.repeat(300))).toHaveLength(255);
  });

  it('judges text types by content: text yes, binary no', () => {
    expect(judgeAttachment({ name: 'notes.txt', size: 5, head: Buffer.from('hello\r\nthere') }, policy)).toEqual({ saved: true, type: 'TXT' });
    expect(judgeAttachment({ name: 'notes.txt', size: 5, head: exe, content: EXE }, policy).saved).toBe(false);
    expect(judgeAttachment({ name: 'notes.txt', size: 5, head: Buffer.from('PK'), content: ZIP }, policy).saved).toBe(false);
    expect(looksLikeText(Buffer.from('café', 'utf8').subarray(0, 4))).toBe(true); // a character cut at the end of the sample
    expect(looksLikeText(Buffer.from([0xff, 0xfe, 0x68, 0x00]))).toBe(true); // UTF-16 with a BOM
  });

  it('keeps inline images by content only', () => {
    expect(judgeInlineImage({ size: 8, head: Buffer.from('89504E470D0A1A0A', 'hex'), content: { ext: 'png', mime: 'image/png' } }, 100)).toEqual({ saved: true, type: 'PNG' });
    expect(judgeInlineImage({ size: 8, head: exe, content: EXE }, 100).saved).toBe(false);
  });

  it('reads EMAIL_ATT_FILESIZE in GB, fractions allowed; unset means Graph\'s 150 MB', () => {
    expect(maxAttachmentBytes('2')).toBe(2 * 1024 ** 3);
    expect(maxAttachmentBytes('0.5')).toBe(512 * 1024 ** 2);
    expect(maxAttachmentBytes(null)).toBe(150 * 1024 * 1024);
  });
});
