// File types an organisation can permit in EMAIL_ATT_FILETYPE (guide §2.2.3: "enter the relevant
// permitted MIME types that your organisation wants to allow attachments to be saved for – e.g.
// DOCX, JPG, PDF"). An inbound attachment is judged by its content (magic bytes) and its name
// together, so a renamed .exe is not a PDF: `signatures` is what the content must start with (any
// one of them; none for plain-text types), `extensions` what the file name may end with.
// `mimeTypes` are the types senders and Outlook commonly declare; the declared type is a hint only.

export interface ByteSignature {
  /** Byte offset from the start of the file. */
  offset: number;
  /** Bytes, as hex (upper case, no spaces). */
  hex: string;
}

/**
 * What the content is, as a content detector reports it (adapters/blobs/content-type.ts: file-type,
 * plus the OLE2 stream-name check): `ext` is file-type's extension name (`docx`, `zip`, `doc` …).
 */
export interface DetectedContent {
  ext: string;
  mime: string;
}

export interface AttachmentType {
  label: string;
  extensions: readonly string[];
  mimeTypes: readonly string[];
  /** A description of the magic bytes, for people. */
  magic: string;
  /** The same, for code: the file matches if it matches every entry of any one inner list. */
  signatures: readonly (readonly ByteSignature[])[];
  /** Text types have no magic: the content must be text (no NUL bytes, valid UTF-8 or a UTF-16 BOM). */
  text?: true;
  /**
   * What the content detector must find for a file to be this type (its `ext` values). This is the
   * decision; `signatures` only describe and sniff. A plain ZIP is not a DOCX, an OLE2 file with no
   * WordDocument stream is not a DOC.
   */
  detectedAs?: readonly string[];
}

const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex').toUpperCase();

const PDF: readonly ByteSignature[] = [{ offset: 0, hex: ascii('%PDF-') }];
// OLE2 / Compound File Binary: Word 97-2003, Excel 97-2003, PowerPoint 97-2003 and Outlook .msg.
const OLE2 = [[{ offset: 0, hex: 'D0CF11E0A1B11AE1' }]] as const;
// ZIP local file header "PK\3\4" (an empty archive starts "PK\5\6", a spanned one "PK\7\8").
const ZIP_LOCAL = { offset: 0, hex: '504B0304' };
// OpenDocument: a ZIP whose first entry is an uncompressed file named "mimetype" (name at byte 30,
// its content — the MIME type — at byte 38).
const odf = (mime: string): readonly (readonly ByteSignature[])[] => [
  [ZIP_LOCAL, { offset: 30, hex: ascii('mimetype') }, { offset: 38, hex: ascii(mime) }],
];
// ISO base media file format: "ftyp" at byte 4, then the major brand at byte 8.
const ftyp = (brands: string[]): readonly (readonly ByteSignature[])[] =>
  brands.map((b) => [
    { offset: 4, hex: ascii('ftyp') },
    { offset: 8, hex: ascii(b) },
  ]);
const riff = (form: string): readonly (readonly ByteSignature[])[] => [
  [
    { offset: 0, hex: ascii('RIFF') },
    { offset: 8, hex: ascii(form) },
  ],
];

const JPEG_TYPE: AttachmentType = {
  label: 'JPEG image',
  extensions: ['jpg', 'jpeg', 'jpe', 'jfif'],
  mimeTypes: ['image/jpeg', 'image/pjpeg'],
  magic: 'FF D8 FF at byte 0 (JPEG start-of-image marker, then the first segment marker)',
  signatures: [[{ offset: 0, hex: 'FFD8FF' }]],
  detectedAs: ['jpg'],
};

const TIFF_TYPE: AttachmentType = {
  label: 'TIFF image',
  extensions: ['tif', 'tiff'],
  mimeTypes: ['image/tiff'],
  magic: "'II*\\0' (49 49 2A 00, little-endian) or 'MM\\0*' (4D 4D 00 2A, big-endian) at byte 0",
  signatures: [[{ offset: 0, hex: '49492A00' }], [{ offset: 0, hex: '4D4D002A' }]],
  detectedAs: ['tif'],
};

export const ATTACHMENT_TYPES: Readonly<Record<string, AttachmentType>> = Object.freeze({
  PDF: {
    label: 'PDF document',
    extensions: ['pdf'],
    mimeTypes: ['application/pdf'],
    magic: "'%PDF-' (25 50 44 46 2D) at byte 0",
    signatures: [PDF],
    detectedAs: ['pdf'],
  },
  DOC: {
    label: 'Word 97-2003 document',
    extensions: ['doc', 'dot'],
    mimeTypes: ['application/msword'],
    magic: 'OLE2 compound file header D0 CF 11 E0 A1 B1 1A E1 at byte 0 (with a WordDocument stream)',
    signatures: OLE2,
    detectedAs: ['doc'],
  },
  DOCX: {
    label: 'Word document',
    extensions: ['docx'],
    mimeTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    magic: "ZIP local file header 'PK\\3\\4' (50 4B 03 04) at byte 0; the archive holds word/document.xml",
    signatures: [[ZIP_LOCAL]],
    detectedAs: ['docx'],
  },
  XLS: {
    label: 'Excel 97-2003 workbook',
    extensions: ['xls', 'xlt'],
    mimeTypes: ['application/vnd.ms-excel'],
    magic: 'OLE2 compound file header D0 CF 11 E0 A1 B1 1A E1 at byte 0 (with a Workbook stream)',
    signatures: OLE2,
    detectedAs: ['xls'],
  },
  XLSX: {
    label: 'Excel workbook',
    extensions: ['xlsx'],
    mimeTypes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    magic: "ZIP local file header 'PK\\3\\4' (50 4B 03 04) at byte 0; the archive holds xl/workbook.xml",
    signatures: [[ZIP_LOCAL]],
    detectedAs: ['xlsx'],
  },
  PPT: {
    label: 'PowerPoint 97-2003 presentation',
    extensions: ['ppt', 'pps'],
    mimeTypes: ['application/vnd.ms-powerpoint'],
    magic: 'OLE2 compound file header D0 CF 11 E0 A1 B1 1A E1 at byte 0 (with a PowerPoint Document stream)',
    signatures: OLE2,
    detectedAs: ['ppt'],
  },
  PPTX: {
    label: 'PowerPoint presentation',
    extensions: ['pptx'],
    mimeTypes: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    magic: "ZIP local file header 'PK\\3\\4' (50 4B 03 04) at byte 0; the archive holds ppt/presentation.xml",
    signatures: [[ZIP_LOCAL]],
    detectedAs: ['pptx'],
  },
  ODT: {
    label: 'OpenDocument text',
    extensions: ['odt'],
    mimeTypes: ['application/vnd.oasis.opendocument.text'],
    magic: "ZIP 'PK\\3\\4' at byte 0, 'mimetype' at byte 30, 'application/vnd.oasis.opendocument.text' at byte 38",
    signatures: odf('application/vnd.oasis.opendocument.text'),
    detectedAs: ['odt'],
  },
  ODS: {
    label: 'OpenDocument spreadsheet',
    extensions: ['ods'],
    mimeTypes: ['application/vnd.oasis.opendocument.spreadsheet'],
    magic: "ZIP 'PK\\3\\4' at byte 0, 'mimetype' at byte 30, 'application/vnd.oasis.opendocument.spreadsheet' at byte 38",
    signatures: odf('application/vnd.oasis.opendocument.spreadsheet'),
    detectedAs: ['ods'],
  },
  ODP: {
    label: 'OpenDocument presentation',
    extensions: ['odp'],
    mimeTypes: ['application/vnd.oasis.opendocument.presentation'],
    magic: "ZIP 'PK\\3\\4' at byte 0, 'mimetype' at byte 30, 'application/vnd.oasis.opendocument.presentation' at byte 38",
    signatures: odf('application/vnd.oasis.opendocument.presentation'),
    detectedAs: ['odp'],
  },
  RTF: {
    label: 'Rich Text Format document',
    extensions: ['rtf'],
    mimeTypes: ['application/rtf', 'text/rtf'],
    magic: "'{\\rtf' (7B 5C 72 74 66) at byte 0",
    signatures: [[{ offset: 0, hex: ascii('{\\rtf') }]],
    detectedAs: ['rtf'],
  },
  TXT: {
    label: 'Plain text',
    extensions: ['txt', 'text', 'log'],
    mimeTypes: ['text/plain'],
    magic: 'none: text (no NUL bytes; UTF-8, or UTF-16 with a byte-order mark)',
    signatures: [],
    text: true,
  },
  CSV: {
    label: 'Comma-separated values',
    extensions: ['csv'],
    // Windows senders often declare CSV files as application/vnd.ms-excel.
    mimeTypes: ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel'],
    magic: 'none: text (no NUL bytes; UTF-8, or UTF-16 with a byte-order mark)',
    signatures: [],
    text: true,
  },
  JPG: JPEG_TYPE,
  JPEG: JPEG_TYPE,
  PNG: {
    label: 'PNG image',
    extensions: ['png'],
    mimeTypes: ['image/png'],
    magic: '89 50 4E 47 0D 0A 1A 0A at byte 0',
    signatures: [[{ offset: 0, hex: '89504E470D0A1A0A' }]],
    detectedAs: ['png', 'apng'],
  },
  GIF: {
    label: 'GIF image',
    extensions: ['gif'],
    mimeTypes: ['image/gif'],
    magic: "'GIF87a' or 'GIF89a' at byte 0",
    signatures: [[{ offset: 0, hex: ascii('GIF87a') }], [{ offset: 0, hex: ascii('GIF89a') }]],
    detectedAs: ['gif'],
  },
  BMP: {
    label: 'Bitmap image',
    extensions: ['bmp', 'dib'],
    mimeTypes: ['image/bmp', 'image/x-bmp', 'image/x-ms-bmp'],
    magic: "'BM' (42 4D) at byte 0",
    signatures: [[{ offset: 0, hex: ascii('BM') }]],
    detectedAs: ['bmp'],
  },
  TIF: TIFF_TYPE,
  TIFF: TIFF_TYPE,
  HEIC: {
    label: 'HEIC/HEIF image (iPhone photos)',
    extensions: ['heic', 'heif'],
    mimeTypes: ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
    magic: "'ftyp' at byte 4, then brand heic, heix, hevc, hevx, heim, heis, mif1 or msf1 at byte 8",
    signatures: ftyp(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']),
    detectedAs: ['heic'],
  },
  WEBP: {
    label: 'WebP image',
    extensions: ['webp'],
    mimeTypes: ['image/webp'],
    magic: "'RIFF' at byte 0 and 'WEBP' at byte 8",
    signatures: riff('WEBP'),
    detectedAs: ['webp'],
  },
  MSG: {
    label: 'Outlook message',
    extensions: ['msg'],
    mimeTypes: ['application/vnd.ms-outlook'],
    magic: 'OLE2 compound file header D0 CF 11 E0 A1 B1 1A E1 at byte 0 (with __substg1.0_ streams)',
    signatures: OLE2,
    detectedAs: ['msg'],
  },
  EML: {
    label: 'Email message (RFC 5322)',
    extensions: ['eml'],
    mimeTypes: ['message/rfc822'],
    magic: 'none: text that begins with header fields (e.g. Received:, From:, MIME-Version:)',
    signatures: [],
    text: true,
  },
  ZIP: {
    label: 'ZIP archive',
    extensions: ['zip'],
    mimeTypes: ['application/zip', 'application/x-zip-compressed'],
    magic: "'PK\\3\\4' (50 4B 03 04) at byte 0, or 'PK\\5\\6' (50 4B 05 06) for an empty archive",
    signatures: [[ZIP_LOCAL], [{ offset: 0, hex: '504B0506' }]],
    detectedAs: ['zip', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp'],
  },
  MP4: {
    label: 'MP4 video',
    extensions: ['mp4', 'm4v'],
    mimeTypes: ['video/mp4'],
    magic: "'ftyp' at byte 4, then brand isom, iso2, mp41, mp42, avc1 or M4V  at byte 8",
    signatures: ftyp(['isom', 'iso2', 'mp41', 'mp42', 'avc1', 'M4V ']),
    detectedAs: ['mp4', 'm4v'],
  },
  MOV: {
    label: 'QuickTime video',
    extensions: ['mov', 'qt'],
    mimeTypes: ['video/quicktime'],
    magic: "'ftyp' at byte 4 and brand 'qt  ' at byte 8",
    signatures: ftyp(['qt  ']),
    detectedAs: ['mov'],
  },
  MP3: {
    label: 'MP3 audio',
    extensions: ['mp3'],
    mimeTypes: ['audio/mpeg', 'audio/mp3'],
    magic: "'ID3' at byte 0 (ID3v2 tag), or an MPEG audio frame sync FF FB, FF F3 or FF F2",
    signatures: [
      [{ offset: 0, hex: ascii('ID3') }],
      [{ offset: 0, hex: 'FFFB' }],
      [{ offset: 0, hex: 'FFF3' }],
      [{ offset: 0, hex: 'FFF2' }],
    ],
    detectedAs: ['mp3'],
  },
  WAV: {
    label: 'WAV audio',
    extensions: ['wav'],
    mimeTypes: ['audio/wav', 'audio/x-wav', 'audio/vnd.wave'],
    magic: "'RIFF' at byte 0 and 'WAVE' at byte 8",
    signatures: riff('WAVE'),
    detectedAs: ['wav'],
  },
});

export const ATTACHMENT_TYPE_CODES: readonly string[] = Object.freeze(Object.keys(ATTACHMENT_TYPES));

/** True when `bytes` (the start of a file) carries one of the type's signatures. */
export function matchesSignature(type: AttachmentType, bytes: Uint8Array): boolean {
  return type.signatures.some((all) =>
    all.every(({ offset, hex }) => {
      const want = Buffer.from(hex, 'hex');
      if (bytes.length < offset + want.length) return false;
      return want.every((b, i) => bytes[offset + i] === b);
    }),
  );
}

/** Attachment-type codes whose extensions include the file name's extension (lower-cased). */
export function attachmentTypesForFileName(fileName: string): string[] {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return [];
  const ext = fileName.slice(dot + 1).toLowerCase();
  return ATTACHMENT_TYPE_CODES.filter((code) => ATTACHMENT_TYPES[code].extensions.includes(ext));
}

/** Whether detected content is of this (binary) type. Text types are judged by looksLikeText instead. */
export function contentIsType(type: AttachmentType, content: DetectedContent | undefined): boolean {
  return content !== undefined && (type.detectedAs ?? []).includes(content.ext);
}

/** The attachment types the detected content is, for a rejection reason ("it is a ZIP archive"). */
export function typesOfContent(content: DetectedContent | undefined): string[] {
  if (!content) return [];
  return ATTACHMENT_TYPE_CODES.filter((c) => ATTACHMENT_TYPES[c].detectedAs?.[0] === content.ext);
}
