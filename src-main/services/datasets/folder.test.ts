import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeDataset } from './dataset.js';
import { badImagesLine, describeFolder, openFolder, scanFolder } from './folder.js';
import { DatasetError } from './types.js';
import { collect, tempDir } from './testing.js';

/** A solid-colour image of w x h, written as `file` (format from the extension). */
async function solid(file: string, w: number, h: number, rgb: [number, number, number]): Promise<void> {
  await sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).toFile(file);
}

async function fixture(layout: 'flat' | 'split'): Promise<string> {
  const root = tempDir('folder');
  const parts = layout === 'flat' ? [''] : ['train', 'test'];
  for (const part of parts) {
    for (const [cls, rgb] of [
      ['cats', [200, 30, 30]],
      ['dogs', [30, 30, 200]],
    ] as const) {
      const d = join(root, part, cls);
      mkdirSync(d, { recursive: true });
      await solid(join(d, 'a.png'), 40, 30, [...rgb]);
      await solid(join(d, 'b.jpg'), 20, 50, [...rgb]);
      if (part !== 'test') await solid(join(d, 'c.webp'), 64, 64, [...rgb]);
      writeFileSync(join(d, 'notes.txt'), 'not an image');
    }
  }
  return root;
}

describe('image folders (decoded and resized with sharp)', () => {
  it('one subfolder per class: decodes any size to the requested shape, labels by sorted folder name', async () => {
    const root = await fixture('flat');
    const src = await openFolder(root, { shape: [8, 6, 3] });
    expect(src.classNames).toEqual(['cats', 'dogs']);
    expect(src.counts).toEqual({ train: 6, test: 0 });
    expect(src.location).toMatch(/2 non-image files skipped/);
    const px = new Uint8Array(2 * 8 * 6 * 3);
    const lab = new Int32Array(2);
    await src.read('train', [0, 4], px, lab);
    expect(Array.from(lab)).toEqual([0, 1]);
    // Solid colours survive resizing (jpeg/webp are lossy: allow a little).
    expect(Math.abs((px[0] as number) - 200)).toBeLessThanOrEqual(4);
    expect(Math.abs((px[2] as number) - 30)).toBeLessThanOrEqual(4);
    expect(Math.abs((px[144 + 2] as number) - 200)).toBeLessThanOrEqual(4);
    await src.close();
  });

  it('train/ and test/ subfolders become the train and test parts; grayscale decodes to one channel', async () => {
    const root = await fixture('split');
    const ds = makeDataset(await openFolder(root, { shape: [4, 4, 1] }), { validationFraction: 0 });
    expect(ds.info).toMatchObject({ classes: 2, trainSize: 6, validationSize: 0, testSize: 4, shape: [4, 4, 1] });
    const batches = await collect(ds.test, { batchSize: 3 });
    expect(batches.map((b) => b.size)).toEqual([3, 1]);
    expect(batches[0]?.xShape).toEqual([3, 4, 4, 1]);
    expect(Array.from(batches.flatMap((b) => Array.from(b.labels)))).toEqual([0, 0, 1, 1]);
  });

  it('names the file or folder at fault', async () => {
    await expect(openFolder('/nonexistent/images')).rejects.toThrow('/nonexistent/images: folder not found');
    const empty = tempDir('folder-empty');
    expect(() => describeFolder(empty)).toThrow(`${empty}: needs one subfolder of images per class (at least 2), found none`);
    const one = tempDir('folder-one');
    mkdirSync(join(one, 'only'));
    expect(() => describeFolder(one)).toThrow(/found only "only"/);
    const noImages = tempDir('folder-noimg');
    mkdirSync(join(noImages, 'a'));
    mkdirSync(join(noImages, 'b'));
    expect(() => describeFolder(noImages)).toThrow(/has class folders \(a, b\) but no images/);

    const root = await fixture('flat');
    const broken = join(root, 'dogs', 'broken.png');
    writeFileSync(broken, Buffer.from('\x89PNG\r\n\x1a\nthis is not really a png'));
    const src = await openFolder(root, { shape: [4, 4, 3] });
    const idx = describeFolder(root).files.train.findIndex((f) => f.file === broken);
    const err = await src.read('train', [idx], new Uint8Array(48), new Int32Array(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot decode image`));
    await expect(openFolder(root, { shape: [4, 4, 2] })).rejects.toThrow(/1 \(grayscale\) or 3 \(RGB\) channels, not 2/);
  });

  it('scans every image before training: undecodable ones are listed (first ten and a count), and can be left out', async () => {
    const root = await fixture('flat');
    expect(await scanFolder(root, [4, 4, 3])).toEqual({ checked: 6, bad: [] });
    const bad: string[] = [];
    for (let i = 0; i < 12; i++) {
      const f = join(root, i % 2 === 0 ? 'cats' : 'dogs', `bad${String(i).padStart(2, '0')}.png`);
      writeFileSync(f, Buffer.from('\x89PNG\r\n\x1a\nthis is not really a png'));
      bad.push(f);
    }
    // a real image cut short
    const full = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 1, g: 2, b: 3 } } }).jpeg().toBuffer();
    const cut = join(root, 'cats', 'cut.jpg');
    writeFileSync(cut, full.subarray(0, Math.floor(full.length / 2)));
    bad.push(cut);
    const scan = await scanFolder(root, [4, 4, 3]);
    expect(scan.checked).toBe(19);
    expect(scan.bad.map((b) => b.file)).toEqual([...bad].sort());
    const line = badImagesLine(root, scan.bad, scan.checked);
    expect(line).toMatch(/^13 of 19 images in .* cannot be decoded: cats\/bad00\.png \(.+\), /);
    expect(line).toMatch(/ and 3 more — fix or remove them, or skip them \(--skip-bad-images\)$/);
    expect(line).not.toContain('\n');
    // left out: the source holds only the good images and decodes all of them
    const src = await openFolder(root, { shape: [4, 4, 3], exclude: scan.bad.map((b) => b.file) });
    expect(src.counts).toEqual({ train: 6, test: 0 });
    expect(src.location).toMatch(/13 undecodable images skipped/);
    await src.read('train', [0, 1, 2, 3, 4, 5], new Uint8Array(6 * 48), new Int32Array(6));
    await src.close();
  });
});
