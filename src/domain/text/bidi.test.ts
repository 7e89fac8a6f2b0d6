import { describe, expect, it } from 'vitest';
import { attachmentDisposition, BIDI_CONTROLS, displaySafeName, hasBidiControl } from './bidi.ts';

const ALL = ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('displaySafeName', () => {
  it('replaces a right-to-left override, so the real extension shows', () => {
    expect(displaySafeName('invoice\u202Efdp.exe')).toBe('invoice\uFFFDfdp.exe');
  });

  it('replaces every bidi control: embeddings, overrides, isolates, LRM, RLM and ALM', () => {
    for (const c of ALL) {
      const out = displaySafeName(`a${c}b`);
      expect(out).toBe('a\uFFFDb');
      expect(hasBidiControl(out)).toBe(false);
    }
    expect(displaySafeName(ALL.join(''))).toBe('\uFFFD'.repeat(ALL.length));
  });

  it('leaves other text alone, right-to-left letters included', () => {
    for (const s of ['statement.pdf', 'Mrs O\'Brien', 'شكوى.pdf', 'תלונה.docx', 'Zoë Ångström', '']) expect(displaySafeName(s)).toBe(s);
    expect(displaySafeName(null)).toBeNull();
    expect(displaySafeName(undefined)).toBeUndefined();
  });

  it('is stable when used again and again (the pattern is global)', () => {
    for (let i = 0; i < 3; i++) expect(hasBidiControl('x\u202Ey')).toBe(true);
    expect('x\u202Ey\u2066'.match(BIDI_CONTROLS)).toHaveLength(2);
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and a UTF-8 filename* without the bidi control (RFC 6266, RFC 5987)', () => {
    const v = attachmentDisposition('invoice\u202Efdp.exe');
    expect(hasBidiControl(decodeURIComponent(v.split("UTF-8''")[1]))).toBe(false);
    expect(v).toBe("attachment; filename=\"invoice_fdp.exe\"; filename*=UTF-8''invoice%EF%BF%BDfdp.exe");
  });

  it('keeps a plain name as it is, and escapes quotes, backslashes and control characters', () => {
    expect(attachmentDisposition('statement.pdf')).toBe("attachment; filename=\"statement.pdf\"; filename*=UTF-8''statement.pdf");
    expect(attachmentDisposition('a"b\\c\r\n.txt')).toBe("attachment; filename=\"a_b_c__.txt\"; filename*=UTF-8''a%22b%5Cc%EF%BF%BD%EF%BF%BD.txt");
    expect(attachmentDisposition("it's (1).pdf")).toContain("filename*=UTF-8''it%27s%20%281%29.pdf");
  });
});
