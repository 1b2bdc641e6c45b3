/**
 * Names and text that end up in generated source: identifiers, comments and file names. Anything
 * that comes from the document (labels, ids, the document name) passes through here, so a label
 * such as `x"); process.exit(1); ("` becomes an inert identifier or comment, never code.
 */

/** TypeScript / JavaScript reserved words and globals a generated module must not shadow. */
const TS_RESERVED = new Set([
  ...'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with'.split(' '),
  ...'as implements interface let package private protected public static yield any boolean constructor declare get module require number set string symbol type from of async await never unknown object bigint undefined NaN Infinity eval arguments globalThis'.split(' '),
  ...'Array Object String Number Boolean Math Error Promise Map Set WeakMap JSON Symbol Date RegExp Float32Array process console window document'.split(' '),
]);

/** Python keywords, builtins and nn.Module attributes a generated module must not shadow. */
const PY_RESERVED = new Set([
  ...'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case'.split(' '),
  ...'abs all any bool dict dir enumerate eval exec filter float format getattr hasattr hash id input int isinstance iter len list map max min next object open pow print range repr reversed round set setattr slice sorted str sum super tuple type vars zip'.split(' '),
  ...'self torch nn F math os sys json struct argparse'.split(' '),
  // nn.Module attributes and methods (an attribute of that name would break the module)
  ...'training forward train eval cuda cpu xpu ipu mps to to_empty type float double half bfloat16 apply parameters named_parameters buffers named_buffers children named_children modules named_modules state_dict load_state_dict register_buffer register_parameter add_module register_module get_submodule get_parameter get_buffer get_extra_state set_extra_state zero_grad share_memory extra_repr requires_grad_ dump_patches call_super_init compile register_forward_hook register_forward_pre_hook register_backward_hook register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook register_state_dict_pre_hook logits'.split(' '),
]);

/** Letters, digits and underscores; starts with a letter or underscore; never empty. */
function identifierBase(text: string, fallback: string): string {
  let s = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s.length > 48) s = s.slice(0, 48).replace(/_+$/, '');
  if (s === '') s = fallback;
  if (/^[0-9]/.test(s)) s = `n_${s}`;
  return s;
}

export type Language = 'ts' | 'py';

/** Hands out unique identifiers for one scope of generated code. */
export class NameScope {
  private readonly taken = new Set<string>();
  constructor(
    private readonly language: Language,
    reserved: Iterable<string> = [],
  ) {
    for (const r of reserved) this.taken.add(r);
  }

  /** Marks names as used (the generator's own identifiers). */
  reserve(...names: string[]): void {
    for (const n of names) this.taken.add(n);
  }

  /** A fresh identifier made from `text` (a label, an id): unique in this scope, never a keyword. */
  claim(text: string, fallback = 'layer'): string {
    const base = identifierBase(text, fallback);
    const reserved = this.language === 'ts' ? TS_RESERVED : PY_RESERVED;
    let name = reserved.has(base) ? `${base}_` : base;
    for (let i = 2; this.taken.has(name) || reserved.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}

/** Text safe inside a `//` or `#` line comment and inside a JSDoc block: one line, no comment terminators, no control characters. */
export function commentText(text: string, max = 160): string {
  let s = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    s += c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0x85 ? ' ' : ch;
  }
  s = s.replace(/\*\//g, '* /').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Text safe inside a Python triple-quoted docstring. */
export function docstringText(text: string, max = 400): string {
  return commentText(text, max).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** A file-name stem from the document name: `resnet-20`. */
export function fileStem(text: string): string {
  const s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s === '' ? 'model' : s;
}

/**
 * A Python module name (file stem) from the document name: `resnet_20`. Never a keyword (`from
 * import import …` does not parse: found by bench/fuzz.ts), nor a module the generated scripts
 * import (a `math.py` beside train_ddp.py would shadow the standard library's), nor a leading digit.
 */
export function pyModuleName(text: string): string {
  const stem = fileStem(text).replace(/-/g, '_');
  return /^[0-9]/.test(stem) || PY_RESERVED.has(stem) || PY_MODULES_IMPORTED.has(stem) ? `model_${stem}` : stem;
}

/** Modules the generated PyTorch files import, and their own names. */
const PY_MODULES_IMPORTED = new Set(['train_ddp', 'torch', 'argparse', 'math', 'os', 'socket', 'time', 'json', 'struct', 'sys', 'typing', 'collections', 'numpy', 'safetensors']);

/** A Python class name from the document name: `ResNet20`. */
export function pyClassName(text: string): string {
  const parts = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .map((p) => (p[0] ?? '').toUpperCase() + p.slice(1));
  let s = parts.join('').slice(0, 48);
  if (s === '') s = 'Model';
  if (/^[0-9]/.test(s)) s = `Net${s}`;
  return PY_RESERVED.has(s) ? `${s}Net` : s;
}

/** Shape as the comments print it: `[16, 16, 32]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
