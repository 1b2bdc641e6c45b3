import { z } from 'zod';

/**
 * A run's checkpoint as one blob (what Store.saveCheckpoint keeps per epoch): every weight of the
 * model (BatchNorm's moving statistics included) and the optimizer's state, so a resumed run
 * continues exactly where the epoch ended.
 *
 *   "SWCK" | u32 version | u32 header bytes | header (JSON, UTF-8) | zero pad to 4 | float32 data
 *
 * The header lists the tensors by key (`<layer name>#<index>` for weights, `<key>@<slot>` for
 * optimizer slots) with shape and offset (in floats) into the data. Little-endian throughout.
 */

const MAGIC = 0x4b435753; // "SWCK" read as a little-endian u32
const VERSION = 1;

export interface NamedTensor {
  readonly key: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface CheckpointData {
  /** Epochs finished (1-based count). */
  readonly epoch: number;
  /** Global steps finished. */
  readonly step: number;
  /** The optimizer's own step counter (Adam's bias correction). */
  readonly optimizerStep: number;
  readonly weights: readonly NamedTensor[];
  readonly slots: readonly NamedTensor[];
}

const Entry = z.object({ key: z.string(), shape: z.array(z.number().int().min(0)), offset: z.number().int().min(0) });
const Header = z.object({
  epoch: z.number().int().min(0),
  step: z.number().int().min(0),
  optimizerStep: z.number().int().min(0),
  weights: z.array(Entry),
  slots: z.array(Entry),
});

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function encodeCheckpoint(c: CheckpointData): Uint8Array {
  let offset = 0;
  const entries = (ts: readonly NamedTensor[]) =>
    ts.map((t) => {
      if (t.values.length !== size(t.shape)) throw new Error(`checkpoint tensor ${t.key}: ${t.values.length} values for shape [${t.shape.join(', ')}]`);
      const e = { key: t.key, shape: [...t.shape], offset };
      offset += t.values.length;
      return e;
    });
  const header = { epoch: c.epoch, step: c.step, optimizerStep: c.optimizerStep, weights: entries(c.weights), slots: entries(c.slots) };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(dataStart + offset * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  const data = new Float32Array(out.buffer, dataStart, offset);
  let at = 0;
  for (const t of [...c.weights, ...c.slots]) {
    data.set(t.values, at);
    at += t.values.length;
  }
  return out;
}

/** Reads a checkpoint; anything that is not one (or is cut short) is an Error saying so. */
export function decodeCheckpoint(bytes: Uint8Array): CheckpointData {
  if (bytes.byteLength < 12) throw new Error(`not a checkpoint: ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a checkpoint: bad magic');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new Error(`checkpoint version ${version} is not supported (this app reads ${VERSION})`);
  const n = view.getUint32(8, true);
  if (12 + n > bytes.byteLength) throw new Error('checkpoint header is cut short');
  const header = Header.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n))));
  const dataStart = Math.ceil((12 + n) / 4) * 4;
  const floats = Math.floor((bytes.byteLength - dataStart) / 4);
  // Copy into an aligned buffer (a Buffer from SQLite may start at any byte offset).
  const data = new Float32Array(floats);
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart, dataStart + floats * 4));
  const read = (es: z.infer<typeof Entry>[]): NamedTensor[] =>
    es.map((e) => {
      const len = size(e.shape);
      if (e.offset + len > floats) throw new Error(`checkpoint is cut short (tensor ${e.key})`);
      return { key: e.key, shape: e.shape, values: data.slice(e.offset, e.offset + len) };
    });
  return { epoch: header.epoch, step: header.step, optimizerStep: header.optimizerStep, weights: read(header.weights), slots: read(header.slots) };
}
