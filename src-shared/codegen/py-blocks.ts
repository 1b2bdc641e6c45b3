import { numLit } from '../layers/lib/code.js';
import { NameScope } from './names.js';

/**
 * Blocks as classes, for the PyTorch generator: the printed copies of a block that differ only in
 * numbers (channels, strides, pad amounts) become one `nn.Module` class whose constructor takes
 * those numbers, as torchvision's `BasicBlock(inplanes, planes, stride)` does; a run of copies in
 * a stage becomes `nn.Sequential(…)` with a comprehension where the numbers stay put or step evenly.
 * Pure text work over what the layer printers printed: the printers stay the one source of code.
 */

/** One copy's printed lines: `self.<attr> = …` (init) and the forward body (no indentation). */
export interface InstanceText {
  readonly init: readonly string[];
  readonly forward: readonly string[];
}

export interface ClassParam {
  readonly name: string;
  /** Its value in each instance, in the instances' order. */
  readonly values: readonly number[];
  /** The forward body reads it (as `self.<name>`). */
  readonly inForward: boolean;
}

export interface UnifiedClass {
  readonly init: string[];
  readonly forward: string[];
  readonly params: readonly ClassParam[];
}

/** A numeric literal standing alone (not part of a name such as `conv1`, nor of a float's digits). */
const NUMBER = /(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])/g;

const isComment = (line: string): boolean => line.trimStart().startsWith('#');

/** The text with every literal replaced by `#` (comment lines kept): equal skeletons differ only in numbers. */
export function skeletonOf(t: InstanceText): string {
  const strip = (l: string): string => (isComment(l) ? l : l.replace(NUMBER, '#'));
  return [...t.init.map(strip), '--', ...t.forward.map(strip)].join('\n');
}

/** Positional parameter names of the constructors and functions printers use. */
const POSITIONAL: Readonly<Record<string, readonly string[]>> = {
  Conv2d: ['in_channels', 'out_channels', 'kernel_size'],
  ConvTranspose2d: ['in_channels', 'out_channels', 'kernel_size'],
  BatchNorm2d: ['channels'],
  GroupNorm: ['groups', 'channels'],
  Linear: ['in_features', 'out_features'],
  MaxPool2d: ['kernel_size', 'stride'],
  AvgPool2d: ['kernel_size', 'stride'],
  Dropout: ['p'],
};

/** A name for the literal at `index` of `line`, from where it stands: `stride=2` → stride, `nn.Conv2d(16, …` → in_channels, `F.pad(x, (…` → pad. */
export function literalName(line: string, index: number): string {
  const before = line.slice(0, index);
  // `stride=2` (Python keyword), `strides: 2` (TypeScript config)
  const kw = /([A-Za-z_]\w*)(?:=|: )$/.exec(before);
  if (kw?.[1] !== undefined) return kw[1];
  const stack: { fn: string | null; kw: string | null; commas: number }[] = [];
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    if (ch === '(' || ch === '[') {
      const head = before.slice(0, i);
      const k = /([A-Za-z_]\w*)(?:=|: )\s*$/.exec(head);
      const f = ch === '(' ? /([A-Za-z_][\w.]*)$/.exec(head) : null;
      stack.push({ fn: f?.[1] ?? null, kw: k?.[1] ?? null, commas: 0 });
    } else if (ch === ')' || ch === ']') stack.pop();
    else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.commas++;
    }
  }
  for (let k = stack.length - 1; k >= 0; k--) {
    const s = stack[k];
    if (s === undefined) continue;
    if (s.kw !== null) return s.kw;
    if (s.fn !== null) {
      const short = s.fn.split('.').pop() ?? s.fn;
      const table = POSITIONAL[short];
      if (k === stack.length - 1 && table?.[s.commas] !== undefined) return table[s.commas] as string;
      return short.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    }
  }
  return 'value';
}

/**
 * One class from copies with the same skeleton: literals equal in every copy stay; the others
 * become constructor parameters (one per distinct column of values, named from where the first
 * one stands; `in_channels` and `out_channels` always equal read `channels`).
 */
export function unifyInstances(texts: readonly InstanceText[], o: { language?: 'py' | 'ts'; member?: (name: string) => string; reserved?: readonly string[] } = {}): UnifiedClass {
  const member = o.member ?? ((name: string) => `self.${name}`);
  const first = texts[0];
  if (first === undefined) throw new Error('codegen: a block class needs an instance');
  const lines = (t: InstanceText): string[] => [...t.init, ...t.forward];
  const literals = texts.map((t) => lines(t).map((l) => (isComment(l) ? [] : [...l.matchAll(NUMBER)].map((m) => Number(m[0])))));
  const firstLines = lines(first);
  // columns: (line, k) → values over the instances
  interface Column {
    line: number;
    at: number;
    len: number;
    values: number[];
  }
  const varying: Column[] = [];
  firstLines.forEach((l, li) => {
    if (isComment(l)) return;
    [...l.matchAll(NUMBER)].forEach((m, k) => {
      const values = literals.map((inst) => inst[li]?.[k] ?? NaN);
      if (values.some((v) => v !== values[0])) varying.push({ line: li, at: m.index, len: m[0].length, values });
    });
  });
  // one parameter per distinct column of values
  const groups = new Map<string, Column[]>();
  for (const c of varying) {
    const key = c.values.join(',');
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const scope = new NameScope(o.language ?? 'py', ['x', 'skip', 'self', 'prefix', ...(o.reserved ?? [])]);
  const nameOfColumn = new Map<Column, string>();
  const params: ClassParam[] = [];
  for (const cols of groups.values()) {
    const names = cols.map((c) => literalName(firstLines[c.line] ?? '', c.at));
    // `channels` where one layer keeps them (in = out on the same line), else the first place's name
    const keeps = cols.some((c, k) => names[k] === 'in_channels' && cols.some((d, j) => d.line === c.line && names[j] === 'out_channels'));
    const base = keeps ? 'channels' : names.includes('in_channels') ? 'in_channels' : names.includes('out_channels') ? 'out_channels' : (names[0] ?? 'value');
    const name = scope.claim(base, 'value');
    for (const c of cols) nameOfColumn.set(c, name);
    params.push({ name, values: cols[0]?.values ?? [], inForward: cols.some((c) => c.line >= first.init.length) });
  }
  // the first copy's lines with the varying literals replaced (right to left, so offsets hold)
  const out = firstLines.map((l, li) => {
    let s = l;
    const cols = varying.filter((c) => c.line === li).sort((a, b) => b.at - a.at);
    for (const c of cols) {
      const name = nameOfColumn.get(c) ?? 'value';
      s = s.slice(0, c.at) + (li >= first.init.length ? member(name) : name) + s.slice(c.at + c.len);
    }
    return s;
  });
  return { init: out.slice(0, first.init.length), forward: out.slice(first.init.length), params };
}

/**
 * The elements of an `nn.Sequential` of class instances (`args` per instance, in order): runs of
 * three or more of one class whose every argument stays put or steps evenly become one starred
 * comprehension (`*[Block(32) for _ in range(17)]`, `*[DenseLayer(24 + 12 * i) for i in range(16)]`).
 */
export function sequentialElements(items: readonly { readonly cls: string; readonly args: readonly number[] }[]): string[] {
  const out: string[] = [];
  const call = (cls: string, args: readonly string[]): string => `${cls}(${args.join(', ')})`;
  let i = 0;
  while (i < items.length) {
    const a = items[i] as { cls: string; args: readonly number[] };
    const b = items[i + 1];
    if (b !== undefined && b.cls === a.cls && b.args.length === a.args.length) {
      const steps = a.args.map((v, k) => (b.args[k] ?? 0) - v);
      let end = i + 2;
      for (;;) {
        const n = items[end];
        if (n === undefined || n.cls !== a.cls || n.args.length !== a.args.length) break;
        const offset = end - i;
        if (!n.args.every((v, k) => v === (a.args[k] ?? 0) + (steps[k] ?? 0) * offset)) break;
        end++;
      }
      if (end - i >= 3) {
        const stepping = steps.some((s) => s !== 0);
        const args = a.args.map((v, k) => {
          const s = steps[k] ?? 0;
          if (s === 0) return numLit(v);
          const term = Math.abs(s) === 1 ? 'i' : `${numLit(Math.abs(s))} * i`;
          if (v === 0) return s > 0 ? term : `-${term}`;
          return `${numLit(v)} ${s > 0 ? '+' : '-'} ${term}`;
        });
        out.push(`*[${call(a.cls, args)} for ${stepping ? 'i' : '_'} in range(${end - i})]`);
        i = end;
        continue;
      }
    }
    out.push(call(a.cls, a.args.map(numLit)));
    i++;
  }
  return out;
}

/**
 * Nests single-use temporaries into the line that uses them, as a person writes
 * `relu1 = self.relu1(self.bn1(self.conv1(x)))`: a line `v = expr` is folded into the next line
 * when that line (same indentation, an assignment or return) reads `v` once and nothing later
 * reads it, and the result stays within `maxLength` characters. Comments trailing a folded line go.
 * Names in `keep` (a stage's or a block's result) keep their own line, as torchvision writes them.
 */
export function inlineChains(lines: readonly string[], maxLength = 100, keep: ReadonlySet<string> = new Set()): string[] {
  const out = [...lines];
  const assign = /^(\s*)([A-Za-z_]\w*) = (.*?)(\s+#.*)?$/;
  const uses = (text: string, name: string): number => [...text.matchAll(new RegExp(`(?<![\\w.])${name}(?!\\w)`, 'g'))].length;
  for (let i = 0; i < out.length - 1; ) {
    const m = assign.exec(out[i] ?? '');
    const next = out[i + 1] ?? '';
    const n = /^(\s*)(?:[A-Za-z_]\w*(?:, [A-Za-z_]\w*)* = |return )(.*)$/.exec(next);
    if (m === null || n === null || m[1] !== n[1] || (m[3] ?? '').includes('#')) {
      i++;
      continue;
    }
    const name = m[2] ?? '';
    if (keep.has(name)) {
      i++;
      continue;
    }
    const rest = out.slice(i + 2).join('\n');
    const code = next.replace(/\s+#.*$/, '');
    if (uses(code, name) !== 1 || uses(rest, name) !== 0 || uses(m[3] ?? '', name) !== 0) {
      i++;
      continue;
    }
    const expr = m[3] ?? '';
    const at = new RegExp(`(?<![\\w.])${name}(?!\\w)`).exec(next);
    if (at === null) {
      i++;
      continue;
    }
    const before = next.slice(0, at.index);
    const after = next.slice(at.index + name.length);
    // folded only where it reads as one: the whole value, a call's only argument, or a receiver (`x.mean(…)`)
    const whole = /(?:= |return )$/.test(before) && /^(?:\s*#.*)?$/.test(after);
    const sole = /[\w\]]\($/.test(before) && /^\)/.test(after);
    const receiver = /(?:= |return )$/.test(before) && /^\.\w+\(/.test(after) && atomic(expr);
    if (!whole && !sole && !receiver) {
      i++;
      continue;
    }
    const folded = before + expr + after;
    const line = folded.replace(/\s+#.*$/, '');
    // at most three layers deep on a line (`relu(bn(conv(x)))`), as a person nests them
    if (line.length > maxLength || (line.match(/\bself\./g) ?? []).length > 3) {
      i++;
      continue;
    }
    out.splice(i, 2, folded);
    // the folded line may fold into the one before it too: look again from the previous line
    i = Math.max(0, i - 1);
  }
  return out;
}

/** An expression with no space outside brackets and strings: a name, a call, an attribute, a subscript. */
function atomic(expr: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (const ch of expr) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ' ' && depth === 0) return false;
  }
  return true;
}

/** The longest common prefix of the names that ends in `_` (`s1b1_`), or ''. */
export function commonPrefix(names: readonly string[]): string {
  const first = names[0] ?? '';
  let n = first.length;
  for (const l of names) {
    let k = 0;
    while (k < n && k < l.length && l[k] === first[k]) k++;
    n = k;
  }
  const p = first.slice(0, n);
  const cut = p.lastIndexOf('_');
  return cut > 0 ? p.slice(0, cut + 1) : '';
}

/** An attribute name from a block's label: `stage 1 (×18)` → stage1, `encoder 2` → encoder2. */
export function groupAttrName(label: string): string {
  return label
    .replace(/\([^)]*\)/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/([a-z])[\s_-]+(\d)/g, '$1$2');
}

/** A class name (CamelCase) for blocks: from their label when it is words (`decoder 2` → Decoder), else from what they hold. */
export function blockClassBase(label: string, kinds: ReadonlySet<string>): string {
  const words = label.replace(/\([^)]*\)/g, ' ').replace(/[^A-Za-z ]+/g, ' ').trim();
  if (words.length >= 3 && words.split(/\s+/).every((w) => w.length >= 3)) {
    return words
      .split(/\s+/)
      .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
      .join('');
  }
  if (kinds.has('Add')) return 'ResidualBlock';
  if (kinds.has('Concat')) return 'DenseLayer';
  return 'Block';
}

/** What sets apart blocks whose class name others share: `Down` (a smaller map out than in), `Up`, `Proj` (other channels). */
export function shapeChange(inShape: readonly number[], outShape: readonly number[]): string {
  if (inShape.length === 3 && outShape.length === 3) {
    if ((outShape[0] ?? 0) < (inShape[0] ?? 0)) return 'Down';
    if ((outShape[0] ?? 0) > (inShape[0] ?? 0)) return 'Up';
    if (outShape[2] !== inShape[2]) return 'Proj';
  }
  return '';
}

/** camelCase from a label: `stem_conv1` → stemConv1 (TypeScript's convention for variables). */
export function camelCase(text: string): string {
  const s = text.replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
  return s.length > 0 ? (s[0] ?? '').toLowerCase() + s.slice(1) : s;
}
