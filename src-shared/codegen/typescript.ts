import { costReport } from '../graph/cost.js';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { numLit, tsString } from '../layers/lib/code.js';
import type { TsCustomClass, TsHelperName, TsPrintContext } from '../layers/printers.js';
import { commentText, fileStem, fmtShape, NameScope } from './names.js';
import { planCode, resolveRef } from './plan.js';
import type { CodePlan, PlanItem, PlanLoop, PlanNode } from './plan.js';
import type { TextFile } from './types.js';
import { inputContract, tsContract, type InputContract } from './contract.js';
import { blockClassBase, camelCase, commonPrefix, groupAttrName, shapeChange, skeletonOf, unifyInstances, type InstanceText, type UnifiedClass } from './py-blocks.js';

/**
 * Graph → one self-contained TypeScript module for tfjs: `buildModel(tf)` builds the network with
 * the functional API — a block of layers a function defined once (copies differing only in numbers
 * share it) and called per use, a stage's chain of blocks a loop of calls, camelCase variables, the
 * graph's layer names, a comment with output shapes, a loop for a block repeated ×N, the input
 * contract (MEAN/STD/CLASSES, preprocess()) — and the custom layer classes it uses
 * (Scale, Gate, Crop, Pad, ShortcutDropout, GroupNorm, grouped Conv2D) are defined alongside. An
 * optional `train.ts` trains it on tensors the caller passes. `tf` is passed in, so the module
 * imports only tfjs's types and runs with any tfjs flavour (tfjs, tfjs-node, tfjs-node-gpu).
 */

export interface TypeScriptExportOptions {
  /** Emit train.ts beside the model (default true). */
  readonly train?: boolean;
  /** The input contract the module states (constants and preprocess()); default: the graph's input, no preprocessing recorded. */
  readonly contract?: InputContract;
}

export interface TypeScriptExport {
  /** The model module's file name, e.g. `resnet-20.ts`. */
  readonly module: string;
  readonly files: readonly TextFile[];
  readonly plan: CodePlan;
}

const HELPERS: Readonly<Record<TsHelperName, string>> = {
  oneTensor: [
    '/** The tensor (or the `index`-th of several) a custom layer is called with. */',
    'function oneTensor(inputs: Tensor | Tensor[], index = 0): Tensor {',
    '  const t = Array.isArray(inputs) ? inputs[index] : index === 0 ? inputs : undefined;',
    '  if (t === undefined) throw new Error(`expected input ${index}`);',
    '  return t;',
    '}',
  ].join('\n'),
  oneShape: [
    '/** The input shape (or the `index`-th of several) a custom layer is built with. */',
    'function oneShape(shapes: Shape | Shape[], index = 0): Shape {',
    '  const first = shapes[0];',
    '  if (Array.isArray(first)) {',
    '    const s = (shapes as Shape[])[index];',
    '    if (s === undefined) throw new Error(`expected input shape ${index}`);',
    '    return s;',
    '  }',
    '  if (index !== 0) throw new Error(`expected input shape ${index}`);',
    '  return shapes as Shape;',
    '}',
  ].join('\n'),
};

const TYPE_ALIASES: readonly (readonly [string, string])[] = [
  ['Tensor', 'tfjs.Tensor'],
  ['Shape', '(number | null)[]'],
  ['Kwargs', "Parameters<tfjs.layers.Layer['call']>[1]"],
  ['LayerArgs', 'NonNullable<ConstructorParameters<typeof tfjs.layers.Layer>[0]>'],
  ['LayerVariable', 'tfjs.LayerVariable'],
  ['ConfigDict', 'tfjs.serialization.ConfigDict'],
];

const RESERVED = [
  'tf', 'tfjs', 'Tf', 'SymbolicTensor', 'Tensor', 'Shape', 'Kwargs', 'LayerArgs', 'LayerVariable', 'ConfigDict', 'apply', 'buildModel',
  'registerCustomLayers', 'customLayers', 'defineCustomLayers', 'customLayerCache', 'oneTensor', 'oneShape', 'inputShape', 'outputs', 'model',
];

function indexVar(depth: number): string {
  return depth === 0 ? 'k' : `k${depth + 1}`;
}
function suffixVar(depth: number): string {
  return depth === 0 ? 'copy' : `copy${depth + 1}`;
}

export function emitTypeScript(doc: GraphDocument, options: TypeScriptExportOptions = {}): TypeScriptExport {
  const plan = planCode(doc);
  const stem = fileStem(doc.meta.name);
  const moduleFile = `${stem === 'train' ? 'model' : stem}.ts`;
  const scope = new NameScope('ts', RESERVED);
  for (let d = 0; d < 8; d++) scope.reserve(indexVar(d), suffixVar(d));
  const vars = new Map<NodeId, string>();
  for (const n of plan.sequence) vars.set(n.id, scope.claim(camelCase(n.label), 'layer'));
  const carries = new Map<PlanLoop, string>();
  for (const l of plan.loops) carries.set(l, scope.claim(camelCase(l.label), 'block'));
  const varOf = (id: NodeId): string => vars.get(id) ?? 'undefined';
  const carryOf = (l: PlanLoop): string => carries.get(l) ?? 'undefined';

  const classes = new Map<string, TsCustomClass>();
  const body: string[] = [];
  const customClass = (cls: TsCustomClass): string => {
    classes.set(cls.name, cls);
    return cls.name;
  };

  // ---- blocks as functions: a block of layers (outside loops) is a call of a function defined once ----
  const consumers = new Map<NodeId, NodeId[]>();
  for (const n of plan.sequence) for (const i of n.inputIds) consumers.set(i, [...(consumers.get(i) ?? []), n.id]);
  const outputIds = new Set(plan.outputs.map((o) => o.id));
  const instances = new Map<string, TsInstance>();
  const printInstance = (id: string, label: string, members: readonly PlanNode[]): TsInstance | null => {
    if (members.length < 2 || members.some((m) => m.def.kind === 'Input' || m.def.head !== undefined || m.loops.length > 0)) return null;
    const prefix = commonPrefix(members.map((m) => m.layerName));
    if (prefix === '' || members.some((m) => m.layerName === prefix || !/^[A-Za-z0-9_]+$/.test(m.layerName))) return null;
    const inside = new Set(members.map((m) => m.id));
    const names = new NameScope('ts', [...RESERVED, 'x', 'skip', 'prefix']);
    const entries: NodeId[] = [];
    const entryName = new Map<NodeId, string>();
    const local = new Map<NodeId, string>();
    const lines: string[] = [];
    for (const m of members) {
      for (const src of m.inputIds) {
        if (inside.has(src) || entryName.has(src)) continue;
        entries.push(src);
        entryName.set(src, entries.length === 1 ? 'x' : entries.length === 2 ? 'skip' : names.claim(`skip${entries.length - 1}`));
      }
      const v = names.claim(camelCase(m.label.slice(commonPrefix(members.map((x) => x.label)).length) || m.label), 'layer');
      local.set(m.id, v);
      const name = (suffix: string): string => `\`\${prefix}${m.layerName.slice(prefix.length)}${suffix}\``;
      const expr = m.def.code.typescript(m.params, {
        name: name(''),
        nameWith: name,
        inputs: m.inputIds.map((i) => local.get(i) ?? entryName.get(i) ?? 'undefined'),
        inputShapes: m.inputShapes,
        outputShape: m.shape,
        input: doc.input,
        customClass,
      });
      lines.push(`const ${v} = ${expr};`);
    }
    const exits = members.filter((m) => outputIds.has(m.id) || (consumers.get(m.id) ?? []).some((c) => !inside.has(c))).map((m) => m.id);
    if (exits.length === 0 || entries.length === 0) return null;
    lines.push(`return ${exits.length === 1 ? (local.get(exits[0] ?? '') ?? '') : `[${exits.map((e) => local.get(e) ?? '').join(', ')}]`};`);
    const text = { init: [], forward: lines };
    return { id, label, members, entries, exits, prefix, text, key: `${skeletonOf(text)}|${entries.length}|${exits.length}` };
  };
  const findBlocks = (items: readonly PlanItem[]): void => {
    for (const it of items) {
      if (it.type !== 'block' || it.loop !== null) continue;
      const inst = it.items.every((x) => x.type === 'node') ? printInstance(it.id, it.label, it.items.map((x) => (x as { node: PlanNode }).node)) : null;
      if (inst !== null) instances.set(it.id, inst);
      else findBlocks(it.items);
    }
  };
  findBlocks(plan.items);
  const byKey = new Map<string, TsInstance[]>();
  for (const inst of instances.values()) byKey.set(inst.key, [...(byKey.get(inst.key) ?? []), inst]);
  const fnOf = new Map<string, TsBlockFn>();
  const fns: TsBlockFn[] = [];
  const bases = [...byKey.values()].map((list) => blockClassBase(list[0]?.label ?? '', new Set(list[0]?.members.map((m) => m.def.kind))));
  [...byKey.values()].forEach((list, k) => {
    let base = bases[k] ?? 'Block';
    if (bases.filter((b) => b === base).length > 1) {
      const inst = list[0];
      const inShape = inst?.members.find((m) => m.inputIds.includes(inst.entries[0] ?? ''))?.inputShapes[0] ?? [];
      base = `${base}${shapeChange(inShape, inst?.members.find((m) => m.id === inst.exits[0])?.shape ?? [])}`;
    }
    // a function named as one of its calls' results would be (`bottom`) reads `bottomBlock`
    const fnName = list.some((i) => camelCase(groupAttrName(i.label)) === camelCase(base)) ? `${camelCase(base)}Block` : camelCase(base);
    const fn: TsBlockFn = { name: scope.claim(fnName, 'block'), instances: list, unified: unifyInstances(
        list.map((i) => i.text),
        // parameters never take a name the body declares
        { language: 'ts', member: (n) => n, reserved: [...RESERVED, ...[...(list[0]?.text.forward.join('\n') ?? '').matchAll(/\bconst (\w+) =/g)].map((m) => m[1] ?? '')] },
      ) };
    fns.push(fn);
    for (const i of list) fnOf.set(i.id, fn);
  });
  const argsOf = (inst: TsInstance): number[] => {
    const fn = fnOf.get(inst.id);
    const k = fn?.instances.indexOf(inst) ?? -1;
    return (fn?.unified.params ?? []).map((p) => p.values[k] ?? 0);
  };
  /** A block whose items are instances in a chain (each feeds only the next). */
  const chainOf = (items: readonly PlanItem[]): TsInstance[] | null => {
    if (items.length < 1) return null;
    const list: TsInstance[] = [];
    for (const it of items) {
      const inst = it.type === 'block' ? instances.get(it.id) : undefined;
      if (inst === undefined || inst.entries.length !== 1 || inst.exits.length !== 1) return null;
      list.push(inst);
    }
    for (let k = 1; k < list.length; k++) {
      const exit = (list[k - 1] as TsInstance).exits[0] as NodeId;
      const cur = list[k] as TsInstance;
      const inCur = new Set(cur.members.map((m) => m.id));
      if (cur.entries[0] !== exit || outputIds.has(exit) || !(consumers.get(exit) ?? []).every((c) => inCur.has(c))) return null;
    }
    return list;
  };

  const nameExpr = (node: PlanNode, suffix = ''): string => {
    if (!/^[A-Za-z0-9_]*$/.test(node.layerName + suffix)) throw new Error(`codegen: unexpected layer name ${node.layerName}${suffix}`);
    if (node.loops.length === 0) return tsString(node.layerName + suffix);
    let s = node.layerName;
    for (let i = node.loops.length - 1; i >= 0; i--) s += `\${${suffixVar(i)}}`;
    return `\`${s}${suffix}\``;
  };

  const emitNode = (node: PlanNode, ind: string, loops: readonly PlanLoop[]): void => {
    const ctx: TsPrintContext = {
      name: nameExpr(node),
      nameWith: (suffix) => nameExpr(node, suffix),
      inputs: node.inputIds.map((id) => resolveRef(plan, id, loops, varOf, carryOf)),
      inputShapes: node.inputShapes,
      outputShape: node.shape,
      input: doc.input,
      customClass,
    };
    const expr = node.def.code.typescript(node.params, ctx);
    const v = varOf(node.id);
    const labelNote = node.label !== v && node.label !== node.layerName ? ` "${commentText(node.label, 60)}"` : '';
    body.push(`${ind}const ${v} = ${expr}; //${labelNote} ${fmtShape(node.shape)}`);
  };

  const emitItems = (items: readonly PlanItem[], ind: string, loops: readonly PlanLoop[], depth: number): void => {
    for (const it of items) {
      if (it.type === 'node') {
        emitNode(it.node, ind, loops);
        continue;
      }
      const inst = loops.length === 0 && it.loop === null ? instances.get(it.id) : undefined;
      if (inst !== undefined) {
        const fn = fnOf.get(inst.id);
        const shape = fmtShape(plan.nodes.get(inst.exits[inst.exits.length - 1] ?? '')?.shape ?? []);
        const call = `${fn?.name ?? 'block'}(${[...inst.entries.map((e) => resolveRef(plan, e, loops, varOf, carryOf)), tsString(inst.prefix), ...argsOf(inst).map(numLit)].join(', ')})`;
        if (inst.exits.length === 1) {
          const v = scope.claim(camelCase(groupAttrName(it.label)), 'block');
          vars.set(inst.exits[0] ?? '', v);
          body.push(`${ind}const ${v} = ${call}; // ${shape}`);
        } else {
          body.push(`${ind}const [${inst.exits.map((e) => varOf(e)).join(', ')}] = ${call}; // ${shape}`);
        }
        continue;
      }
      const chain = loops.length === 0 && it.loop === null ? chainOf(it.items) : null;
      if (chain !== null) {
        const v = scope.claim(camelCase(groupAttrName(it.label)), 'stage');
        body.push(`${ind}// ── ${commentText(it.label, 100)} ──`);
        body.push(`${ind}let ${v} = ${resolveRef(plan, chain[0]?.entries[0] ?? '', loops, varOf, carryOf)};`);
        for (const el of chainElements(chain.map((i) => ({ fn: fnOf.get(i.id)?.name ?? 'block', prefix: i.prefix, args: argsOf(i) })))) {
          body.push(`${ind}${el.loop !== null ? `for (let i = 0; i < ${el.loop}; i++) ` : ''}${v} = ${el.fn}(${[v, el.prefix, ...el.args].join(', ')});`);
        }
        body[body.length - 1] += ` // ${fmtShape(plan.nodes.get(chain[chain.length - 1]?.exits[0] ?? '')?.shape ?? [])}`;
        body.push('');
        vars.set(chain[chain.length - 1]?.exits[0] ?? '', v);
        continue;
      }
      if (body.length > 0 && body[body.length - 1] !== '') body.push('');
      if (it.loop === null) {
        body.push(`${ind}// ── ${commentText(it.label, 100)} ──`);
        emitItems(it.items, ind, loops, depth);
        body.push('');
        continue;
      }
      const l = it.loop;
      const carry = carryOf(l);
      const k = indexVar(depth);
      const copy = suffixVar(depth);
      body.push(`${ind}// ── ${commentText(it.label, 100)}: repeated ${l.repeat} times (copy k's layers are named <layer>__r<k>) ──`);
      body.push(`${ind}let ${carry} = ${resolveRef(plan, l.entry, loops, varOf, carryOf)};`);
      body.push(`${ind}for (let ${k} = 1; ${k} <= ${l.repeat}; ${k}++) {`);
      body.push(`${ind}  const ${copy} = ${k} === 1 ? '' : \`__r\${${k}}\`;`);
      const inner = [...loops, l];
      emitItems(it.items, `${ind}  `, inner, depth + 1);
      body.push(`${ind}  ${carry} = ${resolveRef(plan, l.exit, inner, varOf, carryOf)};`);
      body.push(`${ind}}`);
      body.push('');
    }
  };
  emitItems(plan.items, '  ', [], 0);
  tidyBlankLines(body);

  const inputVars = plan.inputs.map((id) => resolveRef(plan, id, [], varOf, carryOf));
  const outputVars = plan.outputs.map((o) => resolveRef(plan, o.id, [], varOf, carryOf));
  const one = (xs: readonly string[]): string => (xs.length === 1 ? (xs[0] ?? '') : `[${xs.join(', ')}]`);
  const costs = costReport(plan.analysis).totals;
  const inputShape = [doc.input.height, doc.input.width, doc.input.channels];

  const out: string[] = [];
  const name = commentText(doc.meta.name || 'Untitled network', 100);
  out.push('/**');
  out.push(` * ${name} — a tfjs model generated by Skipwire.`);
  if (doc.meta.description) out.push(' *', ...wrap(commentText(doc.meta.description, 600), 96).map((l) => ` * ${l}`));
  out.push(' *');
  out.push(` * Input: ${fmtShape(inputShape)} (height, width, channels; a batch is [N, ${inputShape.join(', ')}]).`);
  for (const o of plan.outputs) {
    const node = plan.nodes.get(o.id);
    const what = o.head ? `${o.head.task}, trained with ${o.head.loss}${o.head.loss === 'categoricalCrossentropy' ? '; probabilities: the softmax is on the head, as tfjs losses expect' : o.head.loss === 'binaryCrossentropy' ? '; probabilities: the sigmoid is on the head' : ''}` : 'no head';
    out.push(` * Output: ${commentText(node?.label ?? o.id, 60)} ${fmtShape(node?.shape ?? [])} (${what}).`);
  }
  out.push(` * Parameters: ${costs.params.toLocaleString('en-US')} trainable, ${costs.nonTrainable.toLocaleString('en-US')} non-trainable.`);
  out.push(' *');
  out.push(' *   import * as tf from \'@tensorflow/tfjs\'; // or @tensorflow/tfjs-node, @tensorflow/tfjs-node-gpu');
  out.push(` *   import { buildModel, preprocess } from './${moduleFile.replace(/\.ts$/, '.js')}';`);
  out.push(' *   const model = buildModel(tf);');
  out.push(` *   const y = model.predict(preprocess(tf, images)); // images: 8-bit [N, ${inputShape.join(', ')}]`);
  out.push(' *');
  out.push(' * Layer names are the graph\'s, so weights saved from Skipwire load into this model by name.');
  out.push(' */');
  out.push("import type * as tfjs from '@tensorflow/tfjs';");
  out.push('');
  out.push('type Tf = typeof tfjs;');
  out.push('type SymbolicTensor = tfjs.SymbolicTensor;');
  const used = [...classes.values()];
  const needs = new Set<TsHelperName>();
  for (const c of used) for (const n of c.needs ?? []) needs.add(n);
  // the type aliases the custom classes and helpers refer to (only those: no unused names)
  const customSource = [...used.map((c) => c.source), ...[...needs].map((n) => HELPERS[n])].join('\n');
  for (const [alias, def] of TYPE_ALIASES) if (new RegExp(`\\b${alias}\\b`).test(customSource)) out.push(`type ${alias} = ${def};`);
  out.push('');
  out.push(`/** The input each example has: [height, width, channels]. */`);
  out.push(`export const inputShape = ${fmtShape(inputShape)} as const;`);
  out.push('');
  out.push(tsContract(options.contract ?? inputContract(doc, undefined)));
  out.push('');
  out.push('/** The model\'s outputs in order, with the loss each is trained with (from the graph\'s output heads). */');
  out.push('export const outputs = [');
  for (const o of plan.outputs) {
    const node = plan.nodes.get(o.id);
    const loss = o.head?.loss ?? 'meanSquaredError';
    out.push(`  { name: ${tsString(node?.layerName ?? o.id)}, task: ${tsString(o.head?.task ?? 'none')}, loss: ${tsString(loss)}, shape: ${fmtShape(node?.shape ?? [])} },`);
  }
  out.push('] as const;');
  out.push('');
  out.push('/** Applies `layer` to one tensor or a list and returns its one output. */');
  out.push('function apply(layer: tfjs.layers.Layer, inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {');
  out.push('  return layer.apply(inputs) as SymbolicTensor;');
  out.push('}');
  out.push('');
  out.push(`/** Builds the network (fresh weights): ${commentText(doc.meta.name || 'Untitled network', 80)}. */`);
  out.push('export function buildModel(tf: Tf): tfjs.LayersModel {');
  if (used.length > 0) {
    out.push(`  const { ${used.map((c) => c.name).join(', ')} } = customLayers(tf);`);
  }
  for (const fn of fns) {
    const labels = fn.instances.map((i) => commentText(i.label, 40));
    const first = fn.instances[0];
    const ins = (first?.entries ?? []).map((_, k) => `${k === 0 ? 'x' : k === 1 ? 'skip' : `skip${k}`}: SymbolicTensor`);
    const ret = (first?.exits.length ?? 1) === 1 ? 'SymbolicTensor' : `[${(first?.exits ?? []).map(() => 'SymbolicTensor').join(', ')}]`;
    out.push(`  /** ${labels.length === 1 ? `Block ${labels[0] ?? ''}` : `Blocks ${labels.slice(0, 3).join(', ')}${labels.length > 3 ? `, … (${labels.length})` : ''}`}; its layers are named <prefix><layer>. */`);
    out.push(`  const ${fn.name} = (${[...ins, 'prefix: string', ...fn.unified.params.map((p) => `${p.name}: number`)].join(', ')}): ${ret} => {`);
    // `filters: filters` reads `filters`
    out.push(...fn.unified.forward.map((l) => `    ${l.replace(/\b([A-Za-z_]\w*): \1(?=[,\s}])/g, '$1')}`));
    out.push('  };');
    out.push('');
  }
  out.push(...body);
  out.push(`  return tf.model({ name: ${tsString(fileStem(doc.meta.name).replace(/-/g, '_'))}, inputs: ${one(inputVars)}, outputs: ${one(outputVars)} });`);
  out.push('}');

  if (used.length > 0) {
    out.push('');
    out.push('// ── custom layers (tfjs has none of these built in) ──');
    out.push('');
    out.push('/**');
    out.push(' * Registers the custom layers with tfjs serialization under the names Skipwire uses, so a model');
    out.push(' * saved by Skipwire or by this module loads with `tf.loadLayersModel`. `buildModel` does it too.');
    out.push(' */');
    out.push('export function registerCustomLayers(tf: Tf): void {');
    out.push('  customLayers(tf);');
    out.push('}');
    out.push('');
    out.push('const customLayerCache = new WeakMap<Tf, ReturnType<typeof defineCustomLayers>>();');
    out.push('');
    out.push('function customLayers(tf: Tf): ReturnType<typeof defineCustomLayers> {');
    out.push('  let layers = customLayerCache.get(tf);');
    out.push('  if (layers === undefined) {');
    out.push('    layers = defineCustomLayers(tf);');
    out.push('    customLayerCache.set(tf, layers);');
    out.push('  }');
    out.push('  return layers;');
    out.push('}');
    out.push('');
    out.push('/** The classes extend `tf.layers.Layer` of the tf passed in, so they are defined per tf instance. */');
    out.push('function defineCustomLayers(tf: Tf) {');
    for (const c of used) {
      out.push(`  /** ${commentText(c.doc, 200)} */`);
      out.push(...c.source.split('\n').map((l) => (l === '' ? '' : `  ${l}`)));
      out.push(`  tf.serialization.registerClass(${c.name}, 'Skipwire');`);
      out.push('');
    }
    out.push(`  return { ${used.map((c) => c.name).join(', ')} };`);
    out.push('}');
    for (const n of needs) {
      out.push('');
      out.push(HELPERS[n]);
    }
  }
  out.push('');
  const files: TextFile[] = [{ name: moduleFile, content: out.join('\n') }];
  if (options.train !== false) files.push({ name: 'train.ts', content: emitTrain(plan, moduleFile, inputShape) });
  return { module: moduleFile, files, plan };
}

/** A block of layers printed on its own, to become a call of a block function. */
interface TsInstance {
  readonly id: string;
  readonly label: string;
  readonly members: readonly PlanNode[];
  readonly entries: readonly NodeId[];
  readonly exits: readonly NodeId[];
  /** Its layers' names are <prefix><layer> (the compiler's names). */
  readonly prefix: string;
  readonly text: InstanceText;
  readonly key: string;
}

interface TsBlockFn {
  readonly name: string;
  readonly instances: TsInstance[];
  readonly unified: UnifiedClass;
}

/**
 * The calls of a stage's chain of blocks: runs of three or more of one function whose numbers stay
 * put or step evenly, and whose name prefixes step evenly too (`s1b1_`, `s1b2_`, …), become one loop.
 */
export function chainElements(items: readonly { readonly fn: string; readonly prefix: string; readonly args: readonly number[] }[]): { fn: string; prefix: string; args: string[]; loop: number | null }[] {
  const out: { fn: string; prefix: string; args: string[]; loop: number | null }[] = [];
  const digits = (p: string): number[] => [...p.matchAll(/\d+/g)].map((m) => Number(m[0]));
  const shape = (p: string): string => p.replace(/\d+/g, '#');
  const values = (it: (typeof items)[number]): number[] => [...it.args, ...digits(it.prefix)];
  let i = 0;
  while (i < items.length) {
    const a = items[i] as (typeof items)[number];
    const b = items[i + 1];
    const alike = (x: (typeof items)[number] | undefined): x is (typeof items)[number] => x !== undefined && x.fn === a.fn && shape(x.prefix) === shape(a.prefix) && x.args.length === a.args.length;
    if (alike(b)) {
      const va = values(a);
      const steps = values(b).map((v, k) => v - (va[k] ?? 0));
      let end = i + 2;
      while (alike(items[end]) && values(items[end] as (typeof items)[number]).every((v, k) => v === (va[k] ?? 0) + (steps[k] ?? 0) * (end - i))) end++;
      if (end - i >= 3) {
        const expr = (v: number, step: number): string => (step === 0 ? numLit(v) : `${v === 0 ? '' : `${numLit(v)} ${step > 0 ? '+' : '-'} `}${Math.abs(step) === 1 ? 'i' : `${numLit(Math.abs(step))} * i`}`);
        const args = a.args.map((v, k) => expr(v, steps[k] ?? 0));
        let n = a.args.length;
        const prefix = a.prefix.replace(/\d+/g, (m) => {
          const step = steps[n++] ?? 0;
          return step === 0 ? m : `\${${expr(Number(m), step)}}`;
        });
        out.push({ fn: a.fn, prefix: prefix.includes('${') ? `\`${prefix}\`` : tsString(prefix), args, loop: end - i });
        i = end;
        continue;
      }
    }
    out.push({ fn: a.fn, prefix: tsString(a.prefix), args: a.args.map(numLit), loop: null });
    i++;
  }
  return out;
}

/** One blank line between blocks: none doubled, none right after a heading, none at the ends. */
export function tidyBlankLines(lines: string[]): void {
  const out: string[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    if (line === '' && (prev === undefined || prev === '' || /^\s*(\/\/|#) ── .* ──$/.test(prev))) continue;
    out.push(line);
  }
  while (out[out.length - 1] === '') out.pop();
  lines.splice(0, lines.length, ...out);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur.length > 0 && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur.length > 0 ? `${cur} ${word}` : word;
  }
  if (cur.length > 0) lines.push(cur);
  return lines;
}

/** train.ts: trains the module's model on tensors the caller passes, with Skipwire's defaults. */
function emitTrain(plan: CodePlan, moduleFile: string, inputShape: readonly number[]): string {
  const mod = `./${moduleFile.replace(/\.ts$/, '.js')}`;
  const accuracy = (o: (typeof plan.outputs)[number]): boolean => o.head?.loss === 'categoricalCrossentropy' || o.head?.loss === 'binaryCrossentropy';
  // tfjs takes loss names or functions, not a mix: functions as soon as one output is a feature map
  const spatial = plan.outputs.some((o) => plan.nodes.get(o.id)?.shape.length === 3);
  const lossLines = plan.outputs.map((o) => {
    const node = plan.nodes.get(o.id);
    const loss = o.head?.loss ?? 'meanSquaredError';
    const expr = !spatial ? tsString(loss) : node?.shape.length === 3 ? `(yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tf.mean(tf.metrics.${loss}(yTrue, yPred), [1, 2])` : `tf.metrics.${loss}`;
    return `    ${expr}, // ${commentText(node?.label ?? o.id, 60)}`;
  });
  const metricOutputs = plan.outputs.filter(accuracy).map((o) => plan.nodes.get(o.id)?.layerName ?? o.id);
  const metrics =
    metricOutputs.length === 0
      ? ''
      : plan.outputs.length === 1
        ? ", metrics: ['accuracy']"
        : `, metrics: { ${metricOutputs.map((n) => `${n}: 'accuracy'`).join(', ')} }`;
  const targets = plan.outputs.map((o) => {
    const node = plan.nodes.get(o.id);
    const shape = node?.shape ?? [];
    const what =
      o.head?.loss === 'categoricalCrossentropy'
        ? 'one-hot'
        : o.head?.loss === 'binaryCrossentropy'
          ? '0/1 mask'
          : 'float32 targets';
    return ` *   ${plan.outputs.length > 1 ? `ys[${plan.outputs.indexOf(o)}]` : 'ys'}: ${what} [N, ${shape.join(', ')}] for ${commentText(node?.label ?? o.id, 60)}`;
  });
  return `/**
 * Trains the model of ${mod.replace(/\.js$/, '.ts')} on tensors you pass in — generated by Skipwire.
 *
 * Skipwire's dataset loaders are not part of this export yet, so load your data into tensors:
 *   xs: float32 [N, ${inputShape.join(', ')}]: 8-bit NHWC images through the model module's preprocess(tf, images),
 *       which normalizes them as the weights expect (its MEAN and STD)
${targets.join('\n')}
 * Each output is trained with the loss its head declares (also listed as \`outputs\` in the model module); the
 * optimizer defaults are Skipwire's (SGD with momentum 0.9, learning rate 0.1 — the ResNet paper's).
 *
 *   import * as tf from '@tensorflow/tfjs-node'; // or '@tensorflow/tfjs' (any platform, slower)
 *   import { train } from './train.js';
 *   const { model, history } = await train(tf, xs, ys, { epochs: 10 });
 *   await model.save('file://./trained'); // tfjs-node; in a browser: 'downloads://model'
 */
import type * as tfjs from '@tensorflow/tfjs';
import { buildModel } from '${mod}';

type Tf = typeof tfjs;
type FitArgs = NonNullable<Parameters<tfjs.LayersModel['fit']>[2]>;

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** sgd, momentum (SGD with momentum) or adam. */
  optimizer?: 'sgd' | 'momentum' | 'adam';
  momentum?: number;
  /** Fraction of the examples held out to report validation loss (0 = none). */
  validationSplit?: number;
  shuffle?: boolean;
  /** tfjs callbacks, e.g. { onEpochEnd: (epoch, logs) => console.log(epoch, logs) }. */
  callbacks?: FitArgs['callbacks'];
  /** Continue training this model instead of building a fresh one. */
  model?: tfjs.LayersModel;
}

/** Skipwire's defaults (what the app trains with unless told otherwise). */
export const defaults = {
  epochs: 10,
  batchSize: 128,
  learningRate: 0.1,
  optimizer: 'momentum',
  momentum: 0.9,
  validationSplit: 0.1,
  shuffle: true,
} as const satisfies Required<Omit<TrainOptions, 'callbacks' | 'model'>>;

export async function train(
  tf: Tf,
  xs: tfjs.Tensor,
  ys: tfjs.Tensor | tfjs.Tensor[],
  options: TrainOptions = {},
): Promise<{ model: tfjs.LayersModel; history: tfjs.History }> {
  const learningRate = options.learningRate ?? defaults.learningRate;
  const kind = options.optimizer ?? defaults.optimizer;
  const optimizer =
    kind === 'adam'
      ? tf.train.adam(learningRate)
      : kind === 'momentum'
        ? tf.train.momentum(learningRate, options.momentum ?? defaults.momentum)
        : tf.train.sgd(learningRate);
  const model = options.model ?? buildModel(tf);
  // each output's loss (its head's); per-pixel losses are averaged over the pixels first, so
  // outputs of different ranks add up per example
  const loss = [
${lossLines.join('\n')}
  ];
  model.compile({ optimizer, loss${metrics} });
  const history = await model.fit(xs, ys, {
    epochs: options.epochs ?? defaults.epochs,
    batchSize: options.batchSize ?? defaults.batchSize,
    validationSplit: options.validationSplit ?? defaults.validationSplit,
    shuffle: options.shuffle ?? defaults.shuffle,
    ...(options.callbacks !== undefined ? { callbacks: options.callbacks } : {}),
  });
  return { model, history };
}
`;
}
