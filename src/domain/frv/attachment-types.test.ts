import { describe, expect, it } from 'vitest';
import { ATTACHMENT_TYPES, ATTACHMENT_TYPE_CODES, attachmentTypesForFileName, contentIsType, matchesSignature } from './attachment-types.ts';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

// Real file headers, as the first bytes of files of each type.
const SAMPLES: Record<string, Uint8Array> = {
  PDF: bytes('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n'),
  DOC: bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]),
  DOCX: bytes('PK\x03\x04\x14\x00\x06\x00', '[Content_Types].xml'),
  ODT: bytes('PK\x03\x04\x14\x00\x00\x08\x00\x00', '\x00'.repeat(16), '\x08\x00\x00\x00', 'mimetype', 'application/vnd.oasis.opendocument.text'),
  RTF: bytes('{\\rtf1\\ansi\\deff0'),
  JPG: bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\x00'),
  PNG: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'),
  GIF: bytes('GIF89a\x01\x00\x01\x00'),
  BMP: bytes('BM\x36\x00\x0c\x00'),
  TIF: bytes([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0]),
  HEIC: bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'),
  WEBP: bytes('RIFF\x24\x00\x00\x00WEBPVP8 '),
  MP4: bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0], 'isomiso2avc1mp41'),
  ZIP: bytes('PK\x03\x04\x0a\x00'),
};

describe('ATTACHMENT_TYPES', () => {
  it('covers the types the brief names', () => {
    for (const code of ['PDF', 'DOC', 'DOCX', 'XLS', 'XLSX', 'PPT', 'PPTX', 'ODT', 'ODS', 'RTF', 'TXT', 'CSV', 'JPG', 'JPEG', 'PNG', 'GIF', 'BMP', 'TIF', 'TIFF', 'HEIC', 'MSG', 'EML', 'ZIP']) {
      expect(ATTACHMENT_TYPE_CODES, code).toContain(code);
    }
  });

  it('gives every type extensions, MIME types and a magic-bytes description; only text types lack signatures', () => {
    for (const code of ATTACHMENT_TYPE_CODES) {
      const t = ATTACHMENT_TYPES[code];
      expect(t.extensions.length, code).toBeGreaterThan(0);
      expect(t.extensions.every((e) => e === e.toLowerCase() && !e.startsWith('.')), code).toBe(true);
      expect(t.mimeTypes.length, code).toBeGreaterThan(0);
      expect(t.magic.length, code).toBeGreaterThan(0);
      expect(t.signatures.length > 0 || t.text === true, code).toBe(true);
    }
    expect(ATTACHMENT_TYPE_CODES.filter((c) => ATTACHMENT_TYPES[c].text)).toEqual(['TXT', 'CSV', 'EML']);
  });

  it.each(Object.entries(SAMPLES))('recognises a %s header', (code, sample) => {
    expect(matchesSignature(ATTACHMENT_TYPES[code], sample)).toBe(true);
  });

  it('does not take one type for another', () => {
    expect(matchesSignature(ATTACHMENT_TYPES.PDF, SAMPLES.PNG)).toBe(false);
    expect(matchesSignature(ATTACHMENT_TYPES.JPG, SAMPLES.PDF)).toBe(false);
    expect(matchesSignature(ATTACHMENT_TYPES.HEIC, SAMPLES.MP4)).toBe(false);
    expect(matchesSignature(ATTACHMENT_TYPES.ODT, SAMPLES.DOCX)).toBe(false);
    // A Windows program renamed to .pdf starts "MZ".
    expect(matchesSignature(ATTACHMENT_TYPES.PDF, bytes('MZ\x90\x00'))).toBe(false);
  });

  it('does not read past a short file', () => {
    expect(matchesSignature(ATTACHMENT_TYPES.PNG, bytes([0x89, 0x50]))).toBe(false);
    expect(matchesSignature(ATTACHMENT_TYPES.PDF, new Uint8Array())).toBe(false);
  });

  it('decides OLE2 and ZIP types by what the detector found inside, not by the shared container bytes', () => {
    // The container signature alone fits all of them; only the detected content tells them apart.
    for (const code of ['DOC', 'XLS', 'PPT', 'MSG']) expect(matchesSignature(ATTACHMENT_TYPES[code], SAMPLES.DOC), code).toBe(true);
    expect(['DOC', 'XLS', 'PPT', 'MSG'].filter((c) => contentIsType(ATTACHMENT_TYPES[c], { ext: 'doc', mime: 'application/msword' }))).toEqual(['DOC']);
    expect(['DOC', 'XLS', 'PPT', 'MSG'].filter((c) => contentIsType(ATTACHMENT_TYPES[c], { ext: 'cfb', mime: 'application/x-cfb' }))).toEqual([]);
    expect(['DOCX', 'XLSX', 'PPTX', 'ZIP'].filter((c) => contentIsType(ATTACHMENT_TYPES[c], { ext: 'zip', mime: 'application/zip' }))).toEqual(['ZIP']);
    expect(['DOCX', 'XLSX', 'PPTX', 'ZIP'].filter((c) => contentIsType(ATTACHMENT_TYPES[c], { ext: 'xlsx', mime: 'x' }))).toEqual(['XLSX', 'ZIP']);
  });

  it('names what the content detector must find for every binary type', () => {
    for (const code of ATTACHMENT_TYPE_CODES) expect(Boolean(ATTACHMENT_TYPES[code].text) || (ATTACHMENT_TYPES[code].detectedAs ?? []).length > 0, code).toBe(true);
  });
});

describe('attachmentTypesForFileName', () => {
  it('finds types by extension, case-insensitively', () => {
    expect(attachmentTypesForFileName('Photo.JPG')).toEqual(['JPG', 'JPEG']);
    expect(attachmentTypesForFileName('scan.tiff')).toEqual(['TIF', 'TIFF']);
    expect(attachmentTypesForFileName('report.final.docx')).toEqual(['DOCX']);
    expect(attachmentTypesForFileName('README')).toEqual([]);
    expect(attachmentTypesForFileName('virus.exe')).toEqual([]);
  });
});
