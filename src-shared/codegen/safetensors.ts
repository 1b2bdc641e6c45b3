import type { PyTensor } from '../layers/printers.js';
import { utf8 } from './utf8.js';

/**
 * Writes tensors in the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw
 * little-endian data. PyTorch reads it with the `safetensors` package, or with the ten-line reader
 * the generated model.py carries (no extra dependency).
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, PyTensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    let bytes: Uint8Array;
    if ('data' in t) {
      if (t.data.length !== count) throw new Error(`tensor ${name}: ${t.data.length} values for shape [${t.shape.join(',')}]`);
      bytes = new Uint8Array(t.data.length * 4);
      const view = new DataView(bytes.buffer);
      t.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
      header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    } else {
      if (t.int64.length !== count) throw new Error(`tensor ${name}: ${t.int64.length} values for shape [${t.shape.join(',')}]`);
      bytes = new Uint8Array(t.int64.length * 8);
      const view = new DataView(bytes.buffer);
      t.int64.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
      header[name] = { dtype: 'I64', shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    }
    parts.push(bytes);
    offset += bytes.length;
  }
  // the data starts 8-byte aligned (the format pads the header with spaces)
  const raw = utf8(JSON.stringify(header));
  const headerBytes = utf8(JSON.stringify(header) + ' '.repeat((8 - (raw.length % 8)) % 8));
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
