import { describe, expect, it } from 'vitest';
import { GRAPH_ATTACHMENT_LIMIT_BYTES, judgeAttachment, looksLikeText, maxAttachmentBytes } from './attachment-check.ts';

const b = (s: string | number[]) => (typeof s === 'string' ? new Uint8Array(Buffer.from(s, 'latin1')) : new Uint8Array(s));
const PDF = b('%PDF-1.4\n');
const PNG = b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const EXE = b('MZ\x90\x00\x03\x00\x00\x00');
const ZIP = b('PK\x03\x04\x14\x00');

describe('judgeAttachment', () => {
  const permitted = ['DOCX', 'JPG', 'PDF', 'CSV', 'EML'];

  it('allows a file whose name and content agree on a permitted type', () => {
    expect(judgeAttachment('letter.pdf', PDF, permitted)).toEqual({ allowed: true, code: 'PDF' });
    expect(judgeAttachment('Report.DOCX', ZIP, permitted)).toEqual({ allowed: true, code: 'DOCX' });
    expect(judgeAttachment('rents.csv', b('tenancy,amount\r\nT1,£12.50\r\n'), permitted)).toEqual({ allowed: true, code: 'CSV' });
    expect(judgeAttachment('fwd.eml', b('Received: from x\r\nFrom: a@b.c\r\n'), permitted)).toEqual({ allowed: true, code: 'EML' });
  });

  it('refuses a renamed program', () => {
    expect(judgeAttachment('invoice.pdf', EXE, permitted)).toEqual({
      allowed: false,
      reason: 'invoice.pdf is named as a PDF document but its content is not one',
    });
  });

  it('refuses a permitted content type under a name that is not permitted', () => {
    expect(judgeAttachment('photo.png', PNG, permitted)).toEqual({
      allowed: false,
      reason: '.png files are not permitted (EMAIL_ATT_FILETYPE allows DOCX, JPG, PDF, CSV, EML)',
    });
    expect(judgeAttachment('setup.exe', EXE, permitted).allowed).toBe(false);
  });

  it('refuses a file without an extension, or when nothing is permitted', () => {
    expect(judgeAttachment('README', PDF, permitted)).toEqual({ allowed: false, reason: 'README has no file extension, so its type cannot be checked' });
    expect(judgeAttachment('a.pdf', PDF, [])).toEqual({
      allowed: false,
      reason: 'No attachment types are permitted (EMAIL_ATT_FILETYPE has no active values)',
    });
  });

  it('refuses binary content named as text', () => {
    expect(judgeAttachment('data.csv', PNG, permitted).allowed).toBe(false);
    expect(judgeAttachment('note.eml', b('just some words\n'), permitted).allowed).toBe(false);
  });
});

describe('looksLikeText', () => {
  it('accepts UTF-8 (even cut inside a character), Windows-1252 as Excel saves CSV, and UTF-16 with a BOM', () => {
    const pound = Buffer.from('£££', 'utf8');
    expect(looksLikeText(new Uint8Array(pound.subarray(0, pound.length - 1)))).toBe(true);
    expect(looksLikeText(b('T1,\xA312.50\r\n'))).toBe(true);
    expect(looksLikeText(b([0xff, 0xfe, 0x41, 0x00]))).toBe(true);
  });

  it('refuses NUL bytes and control characters', () => {
    expect(looksLikeText(b([0x41, 0x00, 0x42]))).toBe(false);
    expect(looksLikeText(b([0x41, 0x01, 0x42]))).toBe(false);
    expect(looksLikeText(EXE)).toBe(false);
  });
});

describe('maxAttachmentBytes', () => {
  it('caps EMAIL_ATT_FILESIZE at the 150 MB Graph can carry', () => {
    expect(maxAttachmentBytes('0.1')).toBe(Math.floor(0.1 * 1024 ** 3));
    expect(maxAttachmentBytes('2')).toBe(GRAPH_ATTACHMENT_LIMIT_BYTES);
    expect(maxAttachmentBytes(null)).toBe(GRAPH_ATTACHMENT_LIMIT_BYTES);
    expect(GRAPH_ATTACHMENT_LIMIT_BYTES).toBe(157_286_400);
  });
});
