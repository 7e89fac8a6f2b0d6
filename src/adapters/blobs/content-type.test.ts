import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cfb, docx, plainZip, pptx, xlsx } from '../../../test/helpers/office-files.ts';
import { detectFileContent } from './content-type.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'h365-content-type-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const detect = async (bytes: Buffer) => {
  const f = path.join(dir, String(Math.random()));
  await writeFile(f, bytes);
  return (await detectFileContent(f))?.ext;
};

describe('content type from the bytes', () => {
  it('tells Word, Excel and PowerPoint documents from a plain ZIP', async () => {
    expect(await detect(docx())).toBe('docx');
    expect(await detect(xlsx())).toBe('xlsx');
    expect(await detect(pptx())).toBe('pptx');
    expect(await detect(plainZip())).toBe('zip');
  });

  it('tells doc, xls, ppt and msg apart inside OLE2 by the root storage stream names', async () => {
    expect(await detect(cfb(['\u0001CompObj', 'WordDocument', '1Table']))).toBe('doc');
    expect(await detect(cfb(['Workbook']))).toBe('xls');
    expect(await detect(cfb(['PowerPoint Document', 'Current User']))).toBe('ppt');
    expect(await detect(cfb(['__properties_version1.0', '__substg1.0_0037001F']))).toBe('msg');
    expect(await detect(cfb(['SummaryInformation']))).toBe('cfb');
  });

  it('knows nothing of text, and survives a truncated or hostile OLE2 header', async () => {
    expect(await detect(Buffer.from('just text'))).toBeUndefined();
    expect(await detect(cfb(['WordDocument']).subarray(0, 600))).toBe('cfb');
    const loop = cfb(['WordDocument']);
    loop.writeUInt32LE(1, 512 + 4); // the directory sector chains to itself
    expect(await detect(loop)).toBe('doc');
  });
});
