import { describe, expect, it } from 'vitest';
import { htmlToOneLine, htmlToText } from './html-text.ts';

describe('html → text', () => {
  it('reads ordinary HTML mail as text', () => {
    expect(htmlToText('<style>p{}</style><p>Hello&nbsp;<b>there</b></p><script>x()</script><p>A &amp; B</p>')).toBe('Hello there\n\nA & B');
    expect(htmlToOneLine('<p>one</p><p>two</p>')).toBe('one two');
  });

  it('keeps the text of hostile HTML: unclosed <style> tags, 200,000 nested elements', () => {
    expect(htmlToText('<style>'.repeat(20_000) + 'hidden')).toBe('');
    expect(htmlToText('<div>'.repeat(200_000) + 'deep text')).toBe('deep text');
  });
});
