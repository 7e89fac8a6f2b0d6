import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrations, RENAMED_MIGRATIONS } from './index.ts';

describe('the migration list', () => {
  const names = Object.keys(migrations);

  it('numbers every migration uniquely, in strictly increasing order', () => {
    const numbers = names.map((n) => {
      const m = /^(\d{4})_[a-z0-9_]+$/.exec(n);
      expect(m, `${n} is not NNNN_words`).not.toBeNull();
      return Number(m![1]);
    });
    expect(new Set(numbers).size).toBe(numbers.length);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i], `${names[i]} after ${names[i - 1]}`).toBeGreaterThan(numbers[i - 1]!);
    expect([...names].sort()).toEqual(names);
  });

  it('registers every migration file in the folder, and nothing else', () => {
    const files = readdirSync(new URL('.', import.meta.url))
      .filter((f) => /^\d{4}_.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(names).toEqual(files);
  });

  it('maps each old name to a shipped one and never to a name still in use as an old one', () => {
    for (const [oldName, newName] of RENAMED_MIGRATIONS) {
      expect(names).toContain(newName);
      expect(names).not.toContain(oldName);
    }
  });
});
