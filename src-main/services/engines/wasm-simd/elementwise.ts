import { Fn } from './assembler.js';
import type { Local } from './assembler.js';
import { rowsByChannels, vectorsThenTail } from './loops.js';

/**
 * Element-wise SIMD loops (f32x4, scalar tails) for the binary ops a training step runs most —
 * Add, Sub, Multiply of equal shapes, against a scalar, or against a per-channel row broadcast
 * over the last axis — and the unary Relu and Square. All addresses are bytes, counts elements.
 *
 *   ew_<op>_same(a, b, out, n):    out[i] = a[i] op b[i]
 *   ew_<op>_scalar(a, b, out, n):  out[i] = a[i] op b[0]
 *   ew_<op>_row(a, b, out, rows, c): out[r·c + j] = a[r·c + j] op b[j]   (c a multiple of 4)
 *   un_<op>(a, out, n)
 *
 * `rsub` is b − a (a broadcast operand on the left of Sub is passed as b).
 */

export type BinaryOp = 'add' | 'sub' | 'rsub' | 'mul';
export type BinaryForm = 'same' | 'scalar' | 'row';
export type UnaryOp = 'relu' | 'square';

export const BINARY_OPS: readonly BinaryOp[] = ['add', 'sub', 'rsub', 'mul'];
export const BINARY_FORMS: readonly BinaryForm[] = ['same', 'scalar', 'row'];
export const UNARY_OPS: readonly UnaryOp[] = ['relu', 'square'];

const VEC: Readonly<Record<BinaryOp, number>> = { add: 0xe4, sub: 0xe5, rsub: 0xe5, mul: 0xe6 };
const SCALAR: Readonly<Record<BinaryOp, number>> = { add: 0x92, sub: 0x93, rsub: 0x93, mul: 0x94 };

/** Pushes `x op y` given pushers for the a-side and b-side values (vector or scalar). */
function apply(f: Fn, op: BinaryOp, vector: boolean, a: () => void, b: () => void): void {
  if (op === 'rsub') {
    b();
    a();
  } else {
    a();
    b();
  }
  if (vector) f.simd(VEC[op]);
  else f.op(SCALAR[op]);
}

export function binary(op: BinaryOp, form: BinaryForm): Fn {
  if (form === 'row') {
    const f = new Fn(`ew_${op}_row`, ['i32', 'i32', 'i32', 'i32', 'i32']);
    const [a, b, out, rows, c] = f.params as [Local, Local, Local, Local, Local];
    rowsByChannels(f, rows, c, (p, j) => {
      f.get(out).get(p).op(0x6a).get(j).op(0x6a);
      apply(
        f,
        op,
        true,
        () => f.get(a).get(p).op(0x6a).get(j).op(0x6a).v128load(),
        () => f.get(b).get(j).op(0x6a).v128load(),
      );
      f.v128store();
    });
    return f;
  }
  const f = new Fn(`ew_${op}_${form}`, ['i32', 'i32', 'i32', 'i32']);
  const [a, b, out, n] = f.params as [Local, Local, Local, Local];
  const i = f.local('i32');
  const end = f.local('i32');
  const bytes = f.local('i32');
  const s = f.local('v128');
  const s1 = f.local('f32');
  if (form === 'scalar') {
    f.get(b).load32splat().set(s);
    f.get(b).f32load().set(s1);
  }
  f.get(n).i32(2).op(0x74).set(bytes);
  f.get(bytes).i32(-16).op(0x71).set(end); // whole vectors
  vectorsThenTail(
    f,
    i,
    end,
    bytes,
    () => {
      f.get(out).get(i).op(0x6a);
      apply(
        f,
        op,
        true,
        () => f.get(a).get(i).op(0x6a).v128load(),
        () => (form === 'scalar' ? f.get(s) : f.get(b).get(i).op(0x6a).v128load()),
      );
      f.v128store();
    },
    () => {
      f.get(out).get(i).op(0x6a);
      apply(
        f,
        op,
        false,
        () => f.get(a).get(i).op(0x6a).f32load(),
        () => (form === 'scalar' ? f.get(s1) : f.get(b).get(i).op(0x6a).f32load()),
      );
      f.f32store();
    },
  );
  return f;
}

export function unary(op: UnaryOp): Fn {
  const f = new Fn(`un_${op}`, ['i32', 'i32', 'i32']);
  const [a, out, n] = f.params as [Local, Local, Local];
  const i = f.local('i32');
  const end = f.local('i32');
  const bytes = f.local('i32');
  const v = f.local('v128');
  const x = f.local('f32');
  const zero = f.local('v128');
  f.f32(0).f32x4splat().set(zero);
  f.get(n).i32(2).op(0x74).set(bytes);
  f.get(bytes).i32(-16).op(0x71).set(end);
  vectorsThenTail(
    f,
    i,
    end,
    bytes,
    () => {
      f.get(out).get(i).op(0x6a);
      f.get(a).get(i).op(0x6a).v128load().set(v);
      // relu: max(x, 0) propagates NaN, as the scalar loop and tfjs's kernels do.
      if (op === 'relu') f.get(v).get(zero).simd(0xe9);
      else f.get(v).get(v).f32x4mul();
      f.v128store();
    },
    () => {
      f.get(out).get(i).op(0x6a);
      f.get(a).get(i).op(0x6a).f32load().set(x);
      if (op === 'relu') f.get(x).f32(0).op(0x97);
      else f.get(x).get(x).op(0x94);
      f.f32store();
    },
  );
  return f;
}

/** Every element-wise function of the module. */
export function elementwiseFns(): Fn[] {
  return [...BINARY_OPS.flatMap((op) => BINARY_FORMS.map((form) => binary(op, form))), ...UNARY_OPS.map(unary)];
}
