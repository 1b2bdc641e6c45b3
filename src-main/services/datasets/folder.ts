import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { OutputInfo, Sharp, SharpOptions } from 'sharp';
import { datasetNormalization } from '../../../src-shared/api/services/datasets.js';
import { DatasetError } from './types.js';
import type { ExampleSource, Part } from './types.js';

type SharpFactory = (input: string, options?: SharpOptions) => Sharp;
let sharpModule: Promise<SharpFactory> | undefined;

/** sharp is a native addon: loaded on first decode, not when the app starts. */
function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import('sharp').then((m) => m.default as unknown as SharpFactory);
  return sharpModule;
}

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp']);

interface Listing {
  classes: string[];
  files: Record<Part, { file: string; label: number }[]>;
  skipped: number;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function listImages(dir: string, classes: string[], skipped: { n: number }): { file: string; label: number }[] {
  const out: { file: string; label: number }[] = [];
  classes.forEach((cls, label) => {
    const cdir = join(dir, cls);
    if (!isDir(cdir)) return;
    for (const d of readdirSync(cdir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!d.isFile() || d.name.startsWith('.')) continue;
      if (IMAGE_EXTENSIONS.has(extname(d.name).toLowerCase())) out.push({ file: join(cdir, d.name), label });
      else skipped.n++;
    }
  });
  return out;
}

/**
 * Lists an image folder: ROOT/<class>/<image>, or ROOT/train/<class>/… with ROOT/test/<class>/…
 * (then the test folder is the test part). Class names are the sorted subfolder names.
 */
export function describeFolder(root: string): Listing {
  if (!isDir(root)) {
    let exists = true;
    try {
      statSync(root);
    } catch {
      exists = false;
    }
    throw new DatasetError(root, exists ? 'is not a folder (give a folder with one subfolder of images per class)' : 'folder not found');
  }
  const skipped = { n: 0 };
  const split = isDir(join(root, 'train')) && isDir(join(root, 'test'));
  const trainDir = split ? join(root, 'train') : root;
  const classes = subfolders(trainDir);
  if (classes.length < 2) {
    throw new DatasetError(trainDir, `needs one subfolder of images per class (at least 2), found ${classes.length === 0 ? 'none' : `only "${classes[0]}"`}`);
  }
  const train = listImages(trainDir, classes, skipped);
  if (train.length === 0) throw new DatasetError(trainDir, `has class folders (${classes.join(', ')}) but no images (${[...IMAGE_EXTENSIONS].join(' ')})`);
  let test: { file: string; label: number }[] = [];
  if (split) {
    const testDir = join(root, 'test');
    const extra = subfolders(testDir).filter((c) => !classes.includes(c));
    if (extra.length > 0) throw new DatasetError(testDir, `has class folders that train/ lacks: ${extra.join(', ')}`);
    test = listImages(testDir, classes, skipped);
  }
  return { classes, files: { train, test }, skipped: skipped.n };
}

export interface FolderOptions {
  /** [height, width, channels] to decode to (channels 1 = grayscale, 3 = RGB); default [32, 32, 3]. */
  readonly shape?: readonly [number, number, number];
  /** Decoded images are kept up to this many bytes (default 512 MB); beyond, they are decoded again each time. */
  readonly cacheBytes?: number;
  /** Files to leave out (the scan's undecodable images, when the run skips them). */
  readonly exclude?: readonly string[];
}

/** Decodes one image as training will (sharp, failing on errors and truncation), resized to w×h×c. */
async function decodeImage(file: string, w: number, h: number, c: number): Promise<{ data: Buffer; info: OutputInfo }> {
  const sharp = await loadSharp();
  let img = sharp(file, { failOn: 'error' }).rotate().resize(w, h, { fit: 'cover' });
  img = c === 1 ? img.grayscale() : img.removeAlpha().toColourspace('srgb');
  return img.raw().toBuffer({ resolveWithObject: true });
}

export interface BadImage {
  readonly file: string;
  readonly reason: string;
}

/**
 * Decodes every image of a folder dataset once, before training starts, so that one corrupt file
 * is found now (and listed) rather than failing the run mid-epoch. `concurrency` decodes run at once.
 */
export async function scanFolder(root: string, shape: readonly [number, number, number] = [32, 32, 3], o: { concurrency?: number } = {}): Promise<{ checked: number; bad: BadImage[] }> {
  const listing = describeFolder(root);
  const files = [...listing.files.train, ...listing.files.test].map((e) => e.file);
  const [h, w, c] = shape;
  const bad: BadImage[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i] as string;
      try {
        await decodeImage(file, w, h, c === 1 ? 1 : 3);
      } catch (err) {
        bad.push({ file, reason: (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim() });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 4) }, worker));
  bad.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { checked: files.length, bad };
}

/** One line: how many images cannot be decoded, the first ten of them, and what to do. */
export function badImagesLine(root: string, bad: readonly BadImage[], checked: number): string {
  const first = bad.slice(0, 10).map((b) => `${relativeTo(root, b.file)} (${b.reason.length > 80 ? `${b.reason.slice(0, 79)}…` : b.reason})`);
  const more = bad.length > 10 ? ` and ${bad.length - 10} more` : '';
  return `${bad.length} of ${checked} images in ${root} cannot be decoded: ${first.join(', ')}${more} — fix or remove them, or skip them (--skip-bad-images)`;
}

function relativeTo(root: string, file: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}

/**
 * A folder of images, one subfolder per class, decoded with sharp and resized to the given shape
 * (scaled to cover, centre-cropped). Decoding happens per batch (several images at once), and
 * decoded bytes are cached so later epochs do not decode again.
 */
export function openFolder(root: string, o: FolderOptions = {}): Promise<ExampleSource> {
  const [h, w, c] = o.shape ?? [32, 32, 3];
  if (!(c === 1 || c === 3)) return Promise.reject(new DatasetError(root, `image folders decode to 1 (grayscale) or 3 (RGB) channels, not ${c}`));
  if (!(h > 0 && w > 0 && Number.isInteger(h) && Number.isInteger(w))) return Promise.reject(new RangeError(`bad image size ${h}x${w}`));
  let listing: Listing;
  try {
    listing = describeFolder(root);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  if (o.exclude !== undefined && o.exclude.length > 0) {
    const out = new Set(o.exclude);
    listing = { ...listing, files: { train: listing.files.train.filter((e) => !out.has(e.file)), test: listing.files.test.filter((e) => !out.has(e.file)) } };
    if (listing.files.train.length === 0) return Promise.reject(new DatasetError(root, 'has no decodable training images'));
  }
  const notes = [listing.skipped > 0 ? `${listing.skipped} non-image files skipped` : '', (o.exclude?.length ?? 0) > 0 ? `${o.exclude?.length ?? 0} undecodable images skipped` : ''].filter((n) => n !== '');
  const per = h * w * c;
  const budget = o.cacheBytes ?? 512 * 1024 * 1024;
  const cache = new Map<string, Uint8Array>();
  let cached = 0;

  async function decode(file: string): Promise<Uint8Array> {
    const hit = cache.get(file);
    if (hit !== undefined) return hit;
    let data: Buffer;
    let info: OutputInfo;
    try {
      ({ data, info } = await decodeImage(file, w, h, c));
    } catch (err) {
      throw new DatasetError(file, `cannot decode image: ${(err as Error).message}`);
    }
    if (info.channels !== c || data.length !== per) {
      throw new DatasetError(file, `decoded to ${info.width}x${info.height}x${info.channels}, expected ${w}x${h}x${c}`);
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (cached + per <= budget) {
      cache.set(file, bytes);
      cached += per;
    }
    return bytes;
  }

  return Promise.resolve({
    name: `images in ${root}`,
    task: 'classification',
    shape: [h, w, c],
    classes: listing.classes.length,
    classNames: listing.classes,
    ...datasetNormalization('folder', c),
    counts: { train: listing.files.train.length, test: listing.files.test.length },
    location: notes.length > 0 ? `${root} (${notes.join(', ')})` : root,
    async read(part, indices, pixels, labels) {
      const list = listing.files[part];
      const decoded = await Promise.all(
        Array.from(indices, (k) => {
          const e = list[k];
          if (e === undefined) throw new RangeError(`example ${k} is past the end of ${part}`);
          return decode(e.file);
        }),
      );
      decoded.forEach((bytes, i) => {
        pixels.set(bytes, i * per);
        labels[i] = (list[indices[i] as number] as { label: number }).label;
      });
    },
    close() {
      cache.clear();
      return Promise.resolve();
    },
  });
}
