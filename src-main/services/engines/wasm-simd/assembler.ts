/**
 * A minimal WebAssembly binary writer: enough to emit small SIMD data-movement and reduction loops
 * that run on tfjs-backend-wasm's own linear memory (imported, shared when the backend is
 * threaded). No text format, no toolchain: a module is a list of functions whose bodies are built
 * with the structured helpers below and encoded per the WebAssembly 2.0 binary format.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const VALTYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function utf8(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A local variable or parameter index. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** Builds one function body with structured control flow. */
export class Fn {
  readonly name: string;
  readonly params: Local[];
  private readonly results: ValType[];
  private readonly locals: ValType[] = [];
  private readonly code: number[] = [];
  private depth = 0;

  constructor(name: string, params: ValType[], results: ValType[] = []) {
    this.name = name;
    this.params = params.map((type, index) => ({ index, type }));
    this.results = results;
  }

  /** A new local of `type`. */
  local(type: ValType): Local {
    const l = { index: this.params.length + this.locals.length, type };
    this.locals.push(type);
    return l;
  }

  param(i: number): Local {
    const p = this.params[i];
    if (p === undefined) throw new Error(`${this.name}: no parameter ${i}`);
    return p;
  }

  /** Raw bytes. */
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(l: Local): this {
    return this.op(0x20, ...uleb(l.index));
  }
  set(l: Local): this {
    return this.op(0x21, ...uleb(l.index));
  }
  tee(l: Local): this {
    return this.op(0x22, ...uleb(l.index));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  f64(n: number): this {
    const b = new Uint8Array(new Float64Array([n]).buffer);
    return this.op(0x44, ...b);
  }
  f32(n: number): this {
    const b = new Uint8Array(new Float32Array([n]).buffer);
    return this.op(0x43, ...b);
  }

  /** l = l + n (i32). */
  inc(l: Local, n: number | Local): this {
    this.get(l);
    if (typeof n === 'number') this.i32(n);
    else this.get(n);
    return this.op(0x6a).set(l);
  }

  /** Address arithmetic: pushes base + index·scale (scale a power of two ≥ 1). */
  addr(base: Local, index: Local, scale: number): this {
    this.get(base).get(index);
    if (scale !== 1) this.i32(Math.log2(scale)).op(0x74); // i32.shl
    return this.op(0x6a);
  }

  block(body: () => void): this {
    this.op(0x02, 0x40);
    this.depth++;
    body();
    this.depth--;
    return this.op(0x0b);
  }

  /**
   * for (i = from; i < to; i += step) body — `from`/`to` push an i32. Inside `body`, `breakOut()`
   * leaves the loop.
   */
  for(i: Local, from: () => void, to: () => void, step: number | Local, body: () => void): this {
    from();
    this.set(i);
    this.op(0x02, 0x40); // block
    this.op(0x03, 0x40); // loop
    this.get(i);
    to();
    this.op(0x4e); // i32.ge_s
    this.op(0x0d, 1); // br_if 1 (out of the block)
    body();
    this.inc(i, step);
    this.op(0x0c, 0); // br 0 (loop)
    this.op(0x0b, 0x0b);
    return this;
  }

  /** if (cond) then [else otherwise] — `cond` pushes an i32. */
  if(cond: () => void, then: () => void, otherwise?: () => void): this {
    cond();
    this.op(0x04, 0x40);
    then();
    if (otherwise !== undefined) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }

  // Memory (align given as log2 of bytes; offset 0 unless given).
  f32load(offset = 0): this {
    return this.op(0x2a, 2, ...uleb(offset));
  }
  f32store(offset = 0): this {
    return this.op(0x38, 2, ...uleb(offset));
  }
  f64load(offset = 0): this {
    return this.op(0x2b, 3, ...uleb(offset));
  }
  f64store(offset = 0): this {
    return this.op(0x39, 3, ...uleb(offset));
  }
  i32load(offset = 0): this {
    return this.op(0x28, 2, ...uleb(offset));
  }
  i32store(offset = 0): this {
    return this.op(0x36, 2, ...uleb(offset));
  }
  /** memory.copy dst src n (bytes). */
  memcopy(): this {
    return this.op(0xfc, ...uleb(10), 0, 0);
  }
  /** memory.fill dst value n (bytes). */
  memfill(): this {
    return this.op(0xfc, ...uleb(11), 0);
  }

  // SIMD.
  simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...imm);
  }
  v128load(offset = 0): this {
    return this.simd(0x00, 2, ...uleb(offset)); // align 4 bytes (tensor data is float-aligned)
  }
  v128store(offset = 0): this {
    return this.simd(0x0b, 2, ...uleb(offset));
  }
  /** i8x16.shuffle given as four 32-bit lane indices (0-3 first operand, 4-7 second). */
  shuffle32(lanes: [number, number, number, number]): this {
    const bytes = lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
    return this.simd(0x0d, ...bytes);
  }
  /** v128.load32_splat: one float from memory into all four lanes. */
  load32splat(offset = 0): this {
    return this.simd(0x09, 2, ...uleb(offset));
  }
  f32x4splat(): this {
    return this.simd(0x13);
  }
  f32x4add(): this {
    return this.simd(0xe4);
  }
  f32x4sub(): this {
    return this.simd(0xe5);
  }
  f32x4mul(): this {
    return this.simd(0xe6);
  }
  f64x2add(): this {
    return this.simd(0xf0);
  }
  f64x2promoteLow(): this {
    return this.simd(0x5f);
  }
  /** i8x16.shuffle that moves the high two f32 lanes low (to promote them). */
  high64(): this {
    this.simd(0x0c, ...new Array<number>(16).fill(0)); // v128.const 0 as the second operand
    return this.shuffle32([2, 3, 4, 5]);
  }

  encode(): { type: number[]; body: number[] } {
    if (this.depth !== 0) throw new Error(`${this.name}: unbalanced blocks`);
    const type = [0x60, ...vec(this.params.map((p) => [VALTYPE[p.type]])), ...vec(this.results.map((r) => [VALTYPE[r]]))];
    // Locals, run-length encoded by type.
    const groups: number[][] = [];
    for (let i = 0; i < this.locals.length; ) {
      const t = this.locals[i] as ValType;
      let n = 0;
      while (this.locals[i + n] === t) n++;
      groups.push([...uleb(n), VALTYPE[t]]);
      i += n;
    }
    const body = [...vec(groups), ...this.code, 0x0b];
    return { type, body: [...uleb(body.length), ...body] };
  }
}

/** A module importing `env.memory` (shared or not) and exporting `fns` by name. */
export function assemble(fns: readonly Fn[], memory: { shared: boolean }): Uint8Array {
  const encoded = fns.map((f) => f.encode());
  const types = section(1, vec(encoded.map((e) => e.type)));
  // Memory import: min 1 page; a shared memory must declare a maximum (65536 pages = 4 GiB covers any).
  const limits = memory.shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const name = (n: string) => [...uleb(utf8(n).length), ...utf8(n)];
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]]));
  const funcs = section(3, vec(encoded.map((_, i) => uleb(i))));
  const exports = section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])));
  const code = section(10, vec(encoded.map((e) => e.body)));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}
