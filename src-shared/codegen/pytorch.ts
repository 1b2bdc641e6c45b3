import { costReport } from '../graph/cost.js';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { chw, numLit } from '../layers/lib/code.js';
import type { PyHelper, PyPrintContext, PyPrinted, PyTensor } from '../layers/printers.js';
import { commentText, docstringText, fileStem, NameScope, pyClassName } from './names.js';
import { planCode, resolveRef } from './plan.js';
import type { CodePlan, PlanItem, PlanLoop, PlanNode } from './plan.js';
import { inlineChains, skeletonOf, sequentialElements, unifyInstances, type InstanceText, type UnifiedClass } from './py-blocks.js';
import { contractSummary, inputContract, pyContract, type InputContract, type Preprocessing } from './contract.js';
import type { TrainRecipe } from './recipe.js';
import { encodeSafetensors } from './safetensors.js';
import { tidyBlankLines } from './typescript.js';
import type { ExportFile } from './types.js';
import { layerWeights, type WeightSet } from './weights.js';

/**
 * Graph → PyTorch: an nn.Module source (NCHW; the graph's layer names and order; a repeated block
 * becomes a sub-module in an nn.ModuleList run in a loop), the weights converted from the tfjs
 * model (NHWC) into a .safetensors file it loads, and train_ddp.py, which trains it with
 * DistributedDataParallel on any number of GPUs and machines (torchrun).
 *
 * Where PyTorch and tfjs differ the printers make them agree: TF 'same' padding puts the odd pixel
 * at the bottom/right (explicit F.pad), Flatten before Dense keeps tfjs's (H, W, C) order (a
 * permute), softmax runs over channels (dim=1), BatchNorm's momentum is 1 − tfjs's, and bilinear
 * upsampling uses tfjs's coordinates (a small helper; F.interpolate would shift by half a pixel).
 */

export interface PyTorchExport {
  /** The module's file name, e.g. `resnet_20.py`. */
  readonly module: string;
  readonly className: string;
  readonly files: readonly ExportFile[];
  /** state_dict key → tensor, as written to the weights file. */
  readonly stateDict: ReadonlyMap<string, PyTensor>;
  readonly plan: CodePlan;
  /** The block classes the module defines, with how many blocks each makes. */
  readonly blockClasses: readonly { readonly name: string; readonly instances: number }[];
}

export interface PyTorchExportOptions {
  /** Emit train_ddp.py (default true). */
  readonly train?: boolean;
  /** The preprocessing the weights expect (the run's dataset); absent: none recorded. */
  readonly preprocessing?: Preprocessing;
  /** The run's recipe train_ddp.py reproduces by default. */
  readonly recipe?: TrainRecipe;
}

/** One class of the generated file: the model, a block's module, or a repeated block's module. */
interface PyClass {
  readonly name: string;
  readonly doc: string;
  readonly init: string[];
  readonly forward: string[];
  readonly params: readonly string[];
  readonly ctorParams?: readonly string[];
}

/** A block printed on its own, to become an instance of a block class. */
interface Instance {
  readonly id: string;
  readonly label: string;
  readonly members: readonly PlanNode[];
  /** Sources outside the block, in the order its forward takes them. */
  readonly entries: readonly NodeId[];
  /** Members read outside the block, in the order its forward returns them. */
  readonly exits: readonly NodeId[];
  /** Member → its attribute (and local variable) inside the class. */
  readonly local: ReadonlyMap<NodeId, string>;
  readonly printed: ReadonlyMap<NodeId, PyPrinted>;
  readonly text: InstanceText;
  readonly key: string;
}

interface BlockClass {
  readonly name: string;
  readonly instances: Instance[];
  readonly unified: UnifiedClass;
}

const INDENT = '    ';

/**
 * `weights`: the tfjs model's weights by layer (converted into the state_dict and written as
 * .safetensors), or null for the source alone (no weights file; `stateDict` is empty).
 */
export function emitPyTorch(doc: GraphDocument, weights: WeightSet | null, options: PyTorchExportOptions = {}): PyTorchExport {
  const plan = planCode(doc);
  let stem = fileStem(doc.meta.name).replace(/-/g, '_');
  if (/^[0-9]/.test(stem) || stem === 'train_ddp' || stem === 'torch') stem = `model_${stem}`;
  const moduleName = stem;
  const className = pyClassName(doc.meta.name || 'Model');
  const contract = inputContract(doc, options.preprocessing);
  const helpers = new Map<string, PyHelper>();
  const classes: PyClass[] = [];
  /** Forward variables of nodes (the value a reference reads), module paths of nodes (state_dict keys). */
  const vars = new Map<NodeId, string>();
  const paths = new Map<NodeId, string>();
  const printedOf = new Map<NodeId, PyPrinted>();
  const loopAttrs = new Map<PlanLoop, string>();
  const classNames = new NameScope('py', [className, 'load_weights', 'load_safetensors', 'preprocess', 'INPUT_SIZE', 'INPUT_CHANNELS', 'MEAN', 'STD', 'CLASSES']);
  const helperOf = (h: PyHelper): string => {
    helpers.set(h.name, h);
    return h.name;
  };

  // ---- blocks that become classes: every block of nodes only, outside loops, with no input or head inside ----
  const consumers = new Map<NodeId, NodeId[]>();
  for (const n of plan.sequence) for (const i of n.inputIds) consumers.set(i, [...(consumers.get(i) ?? []), n.id]);
  const outputIds = new Set(plan.outputs.map((o) => o.id));
  const instances = new Map<string, Instance>();
  const findBlocks = (items: readonly PlanItem[]): void => {
    for (const it of items) {
      if (it.type !== 'block' || it.loop !== null) continue;
      const inst = it.items.every((x) => x.type === 'node') ? printInstance(it.id, it.label, it.items.map((x) => (x as { node: PlanNode }).node)) : null;
      if (inst !== null) instances.set(it.id, inst);
      else findBlocks(it.items);
    }
  };
  const printInstance = (id: string, label: string, members: readonly PlanNode[]): Instance | null => {
    if (members.length < 2) return null;
    const inside = new Set(members.map((m) => m.id));
    if (members.some((m) => m.def.kind === 'Input' || m.def.head !== undefined || m.loops.length > 0)) return null;
    const prefix = commonPrefix(members.map((m) => m.label));
    const names = new NameScope('py', ['x', 'skip']);
    const entries: NodeId[] = [];
    const entryName = new Map<NodeId, string>();
    const local = new Map<NodeId, string>();
    const printed = new Map<NodeId, PyPrinted>();
    const init: string[] = [];
    const forward: string[] = [];
    for (const m of members) {
      for (const src of m.inputIds) {
        if (inside.has(src) || entryName.has(src)) continue;
        entries.push(src);
        entryName.set(src, entries.length === 1 ? 'x' : entries.length === 2 ? 'skip' : names.claim(`skip_${entries.length - 1}`));
      }
      const attr = names.claim(m.label.slice(prefix.length) || m.label, 'layer');
      local.set(m.id, attr);
      const p = m.def.code.pytorch(m.params, {
        attr,
        inputs: m.inputIds.map((i) => local.get(i) ?? entryName.get(i) ?? 'None'),
        inputShapes: m.inputShapes,
        outputShape: m.shape,
        helper: helperOf,
      });
      if (p.activation !== undefined) return null;
      printed.set(m.id, p);
      if (p.module !== undefined) init.push(`self.${attr} = ${p.module}`);
      if (p.note !== undefined) forward.push(`# ${commentText(p.note)}`);
      if (p.forward !== attr) forward.push(`${attr} = ${p.forward}`);
    }
    const exits = members.filter((m) => outputIds.has(m.id) || (consumers.get(m.id) ?? []).some((c) => !inside.has(c))).map((m) => m.id);
    if (exits.length === 0 || entries.length === 0) return null;
    forward.push(`return ${exits.map((e) => local.get(e) ?? 'None').join(', ')}`);
    const text = { init, forward };
    return { id, label, members, entries, exits, local, printed, text, key: `${skeletonOf(text)}|${entries.length}|${exits.length}` };
  };
  findBlocks(plan.items);

  // ---- one class per skeleton; its name from the blocks' labels (letters), else what it does ----
  const byKey = new Map<string, Instance[]>();
  for (const inst of instances.values()) byKey.set(inst.key, [...(byKey.get(inst.key) ?? []), inst]);
  const blockClasses = new Map<string, BlockClass>();
  const classOf = new Map<string, BlockClass>();
  const baseCount = new Map<string, number>();
  const bases = [...byKey.values()].map((list) => classBase(list));
  for (const b of bases) baseCount.set(b, (baseCount.get(b) ?? 0) + 1);
  [...byKey.values()].forEach((list, k) => {
    let base = bases[k] ?? 'Block';
    if ((baseCount.get(base) ?? 0) > 1) base = `${base}${shapeChange(list)}`;
    const bc: BlockClass = { name: classNames.claim(base, 'Block'), instances: list, unified: unifyInstances(list.map((i) => i.text)) };
    blockClasses.set(bc.name, bc);
    for (const i of list) classOf.set(i.id, bc);
  });
  const argsOf = (inst: Instance): number[] => {
    const bc = classOf.get(inst.id);
    const k = bc?.instances.indexOf(inst) ?? -1;
    return (bc?.unified.params ?? []).map((p) => p.values[k] ?? 0);
  };
  const ctorOf = (inst: Instance): string => `${classOf.get(inst.id)?.name ?? 'Block'}(${argsOf(inst).map(numLit).join(', ')})`;

  /** A block whose items are class instances in a chain (each feeds only the next): an nn.Sequential. */
  const chainOf = (items: readonly PlanItem[]): Instance[] | null => {
    if (items.length < 1) return null;
    const list: Instance[] = [];
    for (const it of items) {
      const inst = it.type === 'block' ? instances.get(it.id) : undefined;
      if (inst === undefined || inst.entries.length !== 1 || inst.exits.length !== 1) return null;
      list.push(inst);
    }
    for (let k = 1; k < list.length; k++) {
      const prev = list[k - 1] as Instance;
      const cur = list[k] as Instance;
      const exit = prev.exits[0] as NodeId;
      if (cur.entries[0] !== exit || outputIds.has(exit)) return null;
      const inCur = new Set(cur.members.map((m) => m.id));
      if (!(consumers.get(exit) ?? []).every((c) => inCur.has(c))) return null;
    }
    return list;
  };

  /** Emits `items` into a class: its __init__ lines and forward lines. */
  const emitScope = (cls: { init: string[]; forward: string[] }, names: NameScope, items: readonly PlanItem[], ind: string, loops: readonly PlanLoop[], carries: Map<PlanLoop, string>): void => {
    const varOf = (id: NodeId): string => vars.get(id) ?? 'None';
    const carryOf = (l: PlanLoop): string => carries.get(l) ?? 'None';
    const ref = (id: NodeId): string => resolveRef(plan, id, loops, varOf, carryOf);
    for (const it of items) {
      if (it.type === 'node') {
        const node = it.node;
        const attr = names.claim(node.label, 'layer');
        vars.set(node.id, attr);
        paths.set(node.id, attr);
        const ctx: PyPrintContext = {
          attr,
          inputs: node.def.kind === 'Input' ? [attr] : node.inputIds.map(ref),
          inputShapes: node.inputShapes,
          outputShape: node.shape,
          helper: helperOf,
        };
        const p = node.def.code.pytorch(node.params, ctx);
        printedOf.set(node.id, p);
        const label = node.label !== attr ? ` "${commentText(node.label, 60)}"` : '';
        if (p.module !== undefined) cls.init.push(`${INDENT}${INDENT}self.${attr} = ${p.module}`);
        if (p.note !== undefined) cls.forward.push(`${ind}# ${commentText(p.note)}`);
        const shape = `(${chw(node.shape).join(', ')}${node.shape.length === 1 ? ',' : ''})`;
        if (p.forward !== attr) cls.forward.push(`${ind}${attr} = ${p.forward}  #${label} ${shape}`);
        if (p.activation !== undefined) activations.set(node.id, p.activation);
        continue;
      }
      if (it.loop === null) {
        const inst = loops.length === 0 ? instances.get(it.id) : undefined;
        if (inst !== undefined) {
          const attr = names.claim(groupAttrName(it.label), 'block');
          cls.init.push(`${INDENT}${INDENT}self.${attr} = ${ctorOf(inst)}`);
          const outs = inst.exits.length === 1 ? [attr] : inst.exits.map((e) => names.claim(plan.nodes.get(e)?.label ?? e, 'out'));
          const shape = plan.nodes.get(inst.exits[inst.exits.length - 1] ?? '')?.shape ?? [];
          cls.forward.push(`${ind}${outs.join(', ')} = self.${attr}(${inst.entries.map(ref).join(', ')})  # (${chw(shape).join(', ')})`);
          inst.exits.forEach((e, k) => vars.set(e, outs[k] ?? 'None'));
          for (const m of inst.members) {
            paths.set(m.id, `${attr}.${inst.local.get(m.id) ?? '?'}`);
            const p = inst.printed.get(m.id);
            if (p !== undefined) printedOf.set(m.id, p);
          }
          continue;
        }
        const chain = loops.length === 0 ? chainOf(it.items) : null;
        if (chain !== null) {
          const attr = names.claim(groupAttrName(it.label), 'stage');
          const elements = sequentialElements(chain.map((i) => ({ cls: classOf.get(i.id)?.name ?? 'Block', args: argsOf(i) })));
          const one = `${INDENT}${INDENT}self.${attr} = nn.Sequential(${elements.join(', ')})`;
          if (one.length <= 100) cls.init.push(one);
          else cls.init.push(`${INDENT}${INDENT}self.${attr} = nn.Sequential(`, ...elements.map((e) => `${INDENT}${INDENT}${INDENT}${e},`), `${INDENT}${INDENT})`);
          const last = chain[chain.length - 1] as Instance;
          const shape = plan.nodes.get(last.exits[0] ?? '')?.shape ?? [];
          cls.forward.push(`${ind}${attr} = self.${attr}(${ref(chain[0]?.entries[0] ?? '')})  # (${chw(shape).join(', ')})`);
          vars.set(last.exits[0] ?? '', attr);
          chain.forEach((inst, k) => {
            for (const m of inst.members) {
              paths.set(m.id, `${attr}.${k}.${inst.local.get(m.id) ?? '?'}`);
              const p = inst.printed.get(m.id);
              if (p !== undefined) printedOf.set(m.id, p);
            }
          });
          continue;
        }
        cls.forward.push('', `${ind}# ── ${commentText(it.label, 100)} ──`);
        emitScope(cls, names, it.items, ind, loops, carries);
        cls.forward.push('');
        continue;
      }
      // a repeated block: its own module class, N copies in an nn.ModuleList
      const l = it.loop;
      const attr = names.claim(l.label, 'block');
      loopAttrs.set(l, attr);
      const blockClass = classNames.claim(`${pyClassName(l.label)}Block`, 'Block');
      const inner: PyClass = { name: blockClass, doc: `${commentText(l.label, 100)}: one copy of the block repeated ${l.repeat} times.`, init: [], forward: [], params: ['x'] };
      const innerNames = new NameScope('py', ['x']);
      const innerCarries = new Map(carries);
      innerCarries.set(l, 'x');
      emitScope(inner, innerNames, it.items, `${INDENT}${INDENT}`, [...loops, l], innerCarries);
      inner.forward.push(`${INDENT}${INDENT}return ${resolveRef(plan, l.exit, [...loops, l], varOf, (x) => innerCarries.get(x) ?? 'None')}`);
      classes.push(inner);
      cls.init.push(`${INDENT}${INDENT}self.${attr} = nn.ModuleList([${blockClass}() for _ in range(${l.repeat})])`);
      cls.forward.push('', `${ind}# ── ${commentText(l.label, 100)}: repeated ${l.repeat} times ──`);
      cls.forward.push(`${ind}${attr} = ${ref(l.entry)}`);
      cls.forward.push(`${ind}for block in self.${attr}:`);
      cls.forward.push(`${ind}${INDENT}${attr} = block(${attr})`, '');
      carries.set(l, attr);
    }
  };

  const activations = new Map<NodeId, string>();
  const mainNames = new NameScope('py', ['block']);
  const main: PyClass = { name: className, doc: '', init: [], forward: [], params: [] };
  const mainCarries = new Map<PlanLoop, string>();
  emitScope(main, mainNames, plan.items, `${INDENT}${INDENT}`, [], mainCarries);
  const params = plan.inputs.map((id) => vars.get(id) ?? 'x');
  const outs = plan.outputs.map((o) => resolveRef(plan, o.id, [], (id) => vars.get(id) ?? 'None', (l) => mainCarries.get(l) ?? 'None'));
  main.forward.push(`${INDENT}${INDENT}return ${outs.length === 1 ? outs[0] : outs.join(', ')}`);
  for (const c of [main, ...classes]) {
    tidyBlankLines(c.forward);
    c.forward.splice(0, c.forward.length, ...inlineChains(c.forward));
  }

  // ---- weights: every layer copy's tfjs weights → its state_dict entries ----
  const stateDict = new Map<string, PyTensor>();
  for (const copy of weights === null ? [] : plan.copies) {
    const node = copy.node;
    const printed = printedOf.get(node.id);
    const own = weights?.get(copy.layerName) ?? [];
    if (printed?.weights === undefined) {
      if (own.length > 0) throw new Error(`layer ${copy.layerName} (${node.def.kind}) has weights but its PyTorch printer converts none`);
      continue;
    }
    let prefix = '';
    node.loops.forEach((l, i) => {
      prefix += `${loopAttrs.get(l) ?? '?'}.${(copy.indices[i] ?? 1) - 1}.`;
    });
    const path = paths.get(node.id) ?? '?';
    const entries = printed.weights(layerWeights(weights ?? new Map(), copy.layerName, 1));
    for (const [k, t] of Object.entries(entries)) stateDict.set(`${prefix}${path}.${k}`, t);
  }

  const costs = costReport(plan.analysis).totals;
  const name = doc.meta.name || 'Untitled network';
  const inShape = `(N, ${doc.input.channels}, ${doc.input.height}, ${doc.input.width})`;
  const weightsFile = `${moduleName}.safetensors`;
  const lines: string[] = [];
  lines.push(`"""${docstringText(name, 100)} — a PyTorch model generated by Skipwire.`);
  lines.push('');
  if (doc.meta.description) lines.push(...wrap(docstringText(doc.meta.description, 600), 96), '');
  lines.push(`Input: ${inShape} float32, NCHW: ${docstringText(contractSummary(contract), 400)};`);
  lines.push('preprocess() below turns 8-bit images into exactly that.');
  for (const o of plan.outputs) {
    const node = plan.nodes.get(o.id);
    const s = chw(node?.shape ?? []);
    const what =
      o.head === null
        ? 'no head'
        : o.head.loss === 'categoricalCrossentropy'
          ? 'logits (F.cross_entropy takes them); predict() gives probabilities (softmax over dim 1)'
          : o.head.loss === 'binaryCrossentropy'
            ? 'mask logits (F.binary_cross_entropy_with_logits takes them); predict() gives probabilities (sigmoid)'
            : `${o.head.task} values`;
    lines.push(`Output ${docstringText(node?.label ?? o.id, 60)}: (N, ${s.join(', ')}) — ${what}.`);
  }
  lines.push(`Parameters: ${costs.params.toLocaleString('en-US')} trainable, ${costs.nonTrainable.toLocaleString('en-US')} non-trainable (buffers).`);
  lines.push('');
  lines.push('    import numpy, torch');
  lines.push('    from PIL import Image');
  lines.push(`    from ${moduleName} import ${className}, load_weights, preprocess`);
  lines.push(`    model = load_weights(${className}(), '${weightsFile}').eval()`);
  lines.push(`    probabilities = model.predict(preprocess(numpy.asarray(Image.open('image.png')${contract.channels === 1 ? ".convert('L')" : contract.channels === 3 ? ".convert('RGB')" : ''})))`);
  lines.push('');
  lines.push('state_dict keys follow the module tree: a layer outside blocks by its graph name (`stem_conv1.weight`),');
  lines.push('a block by its name and layer (`encoder1.conv1.weight`), a stage of blocks by index');
  lines.push('(`stage1.0.conv1.weight`). The weights file holds the tfjs weights converted to PyTorch layouts.');
  lines.push('"""');
  lines.push('import json');
  lines.push('import struct');
  lines.push('');
  lines.push('import torch');
  lines.push('import torch.nn.functional as F');
  lines.push('from torch import nn');
  lines.push('');
  lines.push('');
  lines.push(pyContract(contract, true));
  lines.push('');
  for (const h of helpers.values()) lines.push('', h.source, '');
  const classLines = (c: PyClass): void => {
    lines.push('');
    lines.push(`class ${c.name}(nn.Module):`);
    lines.push(`${INDENT}"""${docstringText(c.doc, 200)}"""`);
    lines.push('');
    lines.push(`${INDENT}def __init__(${['self', ...(c.ctorParams ?? [])].join(', ')}):`);
    lines.push(`${INDENT}${INDENT}super().__init__()`);
    lines.push(...c.init);
    lines.push('');
    lines.push(`${INDENT}def forward(self, ${c.params.join(', ')}):`);
    lines.push(...c.forward);
    lines.push('');
  };
  for (const bc of blockClasses.values()) {
    const first = bc.instances[0] as Instance;
    const u = bc.unified;
    const labels = bc.instances.map((i) => i.label);
    classLines({
      name: bc.name,
      doc: `${labels.length === 1 ? `Block ${labels[0] ?? ''}` : `Blocks ${labels.slice(0, 3).join(', ')}${labels.length > 3 ? `, … (${labels.length})` : ''}`}.`,
      ctorParams: u.params.map((p) => p.name),
      init: [...u.params.filter((p) => p.inForward).map((p) => `${INDENT}${INDENT}self.${p.name} = ${p.name}`), ...u.init.map((l) => `${INDENT}${INDENT}${l}`)],
      forward: inlineChains(u.forward.map((l) => `${INDENT}${INDENT}${l}`)),
      params: first.entries.map((_, k) => (k === 0 ? 'x' : k === 1 ? 'skip' : `skip_${k}`)),
    });
  }
  for (const c of classes) classLines(c);
  lines.push('');
  lines.push(`class ${className}(nn.Module):`);
  lines.push(`${INDENT}"""${docstringText(name, 100)} (generated by Skipwire; NCHW). forward() returns logits; predict() probabilities."""`);
  lines.push('');
  lines.push(`${INDENT}def __init__(self):`);
  lines.push(`${INDENT}${INDENT}super().__init__()`);
  lines.push(...main.init);
  lines.push('');
  lines.push(`${INDENT}def forward(self, ${params.join(', ')}):`);
  lines.push(...main.forward);
  lines.push('');
  lines.push(...predictMethod(plan.outputs.map((o) => activations.get(o.id) ?? null), params));
  lines.push('');
  lines.push('');
  lines.push(LOADER);
  lines.push('');
  const files: ExportFile[] = [{ name: `${moduleName}.py`, content: lines.join('\n') }];
  if (weights !== null) files.push({ name: weightsFile, bytes: encodeSafetensors(stateDict, { format: 'pt', source: 'skipwire' }) });
  if (options.train !== false) files.push({ name: 'train_ddp.py', content: emitTrainDdp(plan, moduleName, className, weightsFile, contract, options.recipe) });
  return { module: `${moduleName}.py`, className, files, stateDict, plan, blockClasses: [...blockClasses.values()].map((b) => ({ name: b.name, instances: b.instances.length })) };
}

/** predict(): the heads' final activations on forward()'s logits, as the tfjs model outputs them. */
function predictMethod(acts: readonly (string | null)[], params: readonly string[]): string[] {
  const call = `self(${params.join(', ')})`;
  const out = [
    `${INDENT}@torch.no_grad()`,
    `${INDENT}def predict(self, ${params.join(', ')}):`,
    `${INDENT}${INDENT}"""What the tfjs model outputs: probabilities (softmax / sigmoid on the logits forward() returns). Call eval() first."""`,
  ];
  if (acts.length === 1) {
    const a = acts[0];
    out.push(`${INDENT}${INDENT}return ${a === null || a === undefined ? call : a.replace('{x}', call)}`);
    return out;
  }
  out.push(`${INDENT}${INDENT}outputs = ${call}`);
  out.push(`${INDENT}${INDENT}return ${acts.map((a, k) => (a === null ? `outputs[${k}]` : a.replace('{x}', `outputs[${k}]`))).join(', ')}`);
  return out;
}

/** The longest common prefix of the labels that ends in `_` (`s1b1_`), or ''. */
function commonPrefix(labels: readonly string[]): string {
  const first = labels[0] ?? '';
  let n = first.length;
  for (const l of labels) {
    let k = 0;
    while (k < n && k < l.length && l[k] === first[k]) k++;
    n = k;
  }
  const p = first.slice(0, n);
  const cut = p.lastIndexOf('_');
  return cut > 0 ? p.slice(0, cut + 1) : '';
}

/** An attribute name from a block's label: `stage 1 (×18)` → stage1, `encoder 2` → encoder2. */
function groupAttrName(label: string): string {
  return label
    .replace(/\([^)]*\)/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/([a-z])[\s_-]+(\d)/g, '$1$2');
}

/** A class name from the blocks' labels when they are words (`decoder 2` → Decoder), else from what the block does. */
function classBase(list: readonly Instance[]): string {
  const words = (list[0]?.label ?? '').replace(/\([^)]*\)/g, ' ').replace(/[^A-Za-z ]+/g, ' ').trim();
  if (words.length >= 3 && words.split(/\s+/).every((w) => w.length >= 3)) return pyClassName(words);
  const kinds = new Set(list[0]?.members.map((m) => m.def.kind));
  if (kinds.has('Add')) return 'ResidualBlock';
  if (kinds.has('Concat')) return 'DenseLayer';
  return 'Block';
}

/** What sets apart a class whose name another shares: `Down` (smaller out than in), `Up`, `Proj` (other channels). */
function shapeChange(list: readonly Instance[]): string {
  const inst = list[0];
  if (inst === undefined) return '';
  const inShape = inst.members.find((m) => m.inputIds.includes(inst.entries[0] ?? ''))?.inputShapes[0] ?? [];
  const outShape = inst.members.find((m) => m.id === inst.exits[0])?.shape ?? [];
  if (inShape.length === 3 && outShape.length === 3) {
    if ((outShape[0] ?? 0) < (inShape[0] ?? 0)) return 'Down';
    if ((outShape[0] ?? 0) > (inShape[0] ?? 0)) return 'Up';
    if (outShape[2] !== inShape[2]) return 'Proj';
  }
  return '';
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

const LOADER = `def load_safetensors(path):
    """Reads a .safetensors file into {name: tensor} (the safetensors format, read without the
    safetensors package)."""
    with open(path, 'rb') as f:
        (size,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    dtypes = {'F32': torch.float32, 'I64': torch.int64}
    tensors = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        dtype = dtypes[info['dtype']]
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info['shape'])
    return tensors


def load_weights(model, path):
    """Loads the exported weights (strict: every tensor must match the model's); returns the model."""
    model.load_state_dict(load_safetensors(path))
    return model`;

/** train_ddp.py: DistributedDataParallel training with torchrun, a dataset placeholder and checkpoints. */
function emitTrainDdp(plan: CodePlan, moduleName: string, className: string, weightsFile: string, _contract: InputContract, _recipe: TrainRecipe | undefined): string {
  const doc = plan.doc;
  const { channels: c, height: h, width: w } = doc.input;
  const targets: string[] = [];
  const randoms: string[] = [];
  const losses: string[] = [];
  const metrics: string[] = [];
  plan.outputs.forEach((o, i) => {
    const node = plan.nodes.get(o.id);
    const shape = chw(node?.shape ?? []);
    const label = commentText(node?.label ?? o.id, 60);
    const out = plan.outputs.length === 1 ? 'outputs' : `outputs[${i}]`;
    const tgt = plan.outputs.length === 1 ? 'targets' : `targets[${i}]`;
    if (o.head?.loss === 'categoricalCrossentropy') {
      const classes = shape[0] ?? 2;
      const spatial = shape.length === 3;
      targets.push(`#   ${label}: ${spatial ? `int64 (${shape[1]}, ${shape[2]}) class index per pixel` : 'int64 class index'} in [0, ${classes})`);
      randoms.push(spatial ? `torch.randint(0, ${classes}, (${shape[1]}, ${shape[2]}))` : `torch.randint(0, ${classes}, ()).long()`);
      losses.push(`F.cross_entropy(${out}, ${tgt})`);
      metrics.push(`(${out}.argmax(dim=1) == ${tgt}).float().mean()`);
    } else if (o.head?.loss === 'binaryCrossentropy') {
      targets.push(`#   ${label}: float32 (${shape.join(', ')}${shape.length === 1 ? ',' : ''}) mask of 0s and 1s`);
      randoms.push(`(torch.rand(${shape.join(', ')}) > 0.5).float()`);
      losses.push(`F.binary_cross_entropy_with_logits(${out}, ${tgt})`);
      metrics.push(`((${out} > 0).float() == ${tgt}).float().mean()`);
    } else {
      const fn = o.head?.loss === 'meanAbsoluteError' ? 'F.l1_loss' : 'F.mse_loss';
      targets.push(`#   ${label}: float32 (${shape.join(', ')}${shape.length === 1 ? ',' : ''}) values`);
      randoms.push(`torch.randn(${shape.join(', ')})`);
      losses.push(`${fn}(${out}, ${tgt})`);
    }
  });
  const single = plan.outputs.length === 1;
  const randomTarget = single ? (randoms[0] ?? 'torch.zeros(())') : `(${randoms.join(', ')})`;
  const lossExpr = losses.join(' + ') || 'outputs.sum() * 0';
  const metricExpr = metrics.length > 0 ? metrics.join(' + ') + (metrics.length > 1 ? ` / ${metrics.length}` : '') : null;
  return `"""Trains ${docstringText(doc.meta.name || 'the model', 100)} with DistributedDataParallel on any number of GPUs and
machines — generated by Skipwire, with the model in ${moduleName}.py.

Run it with torchrun, which starts one process per GPU and sets RANK / WORLD_SIZE / LOCAL_RANK:

  one machine, all its GPUs:
      torchrun --standalone --nproc_per_node=gpu train_ddp.py --epochs 30
  several machines (run on each; node_rank 0 .. nnodes-1; master_addr = the first machine):
      torchrun --nnodes=2 --nproc_per_node=8 --node_rank=0 --master_addr=10.0.0.1 --master_port=29500 train_ddp.py
  CPU, a smoke test (gloo backend):
      torchrun --standalone --nproc_per_node=2 train_ddp.py --cpu --epochs 1 --max-steps 5

Without torchrun it runs as one process. Each epoch ends with a checkpoint (--checkpoint, written
atomically by rank 0); starting again with the same path resumes from it. --weights starts from
the weights Skipwire exported (${weightsFile}).

THE DATASET: replace make_dataset() below with your own torch.utils.data.Dataset. Until you do, the
script trains on random tensors of the right shapes, so everything else can be checked first.
"""
import argparse
import math
import os
import socket
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from ${moduleName} import ${className}, load_weights


# ── the dataset: REPLACE make_dataset() ──────────────────────────────────────────────────────────
# Each item must be (image, target):
#   image: float32 (${c}, ${h}, ${w}) — channels first, scaled as you trained in Skipwire (e.g. to [0, 1])
#   target${single ? '' : 's (a tuple, one per output)'}:
${targets.join('\n')}
# For example, with torchvision: datasets.CIFAR10(root, train=train, download=True,
#     transform=transforms.ToTensor()) gives exactly (float32 (3, 32, 32) in [0, 1], class index).


class RandomDataset(Dataset):
    """Random images and targets of the right shapes: a placeholder until make_dataset is replaced."""

    def __init__(self, size, seed):
        self.size = size
        self.seed = seed

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        torch.manual_seed(self.seed * 1_000_003 + index)
        return torch.rand(${c}, ${h}, ${w}), ${randomTarget}


def make_dataset(train):
    """REPLACE ME: return your training (train=True) or validation (train=False) Dataset."""
    return RandomDataset(512 if train else 128, seed=0 if train else 1)


# ── training ─────────────────────────────────────────────────────────────────────────────────────


def loss_fn(outputs, targets):
    return ${lossExpr}


def accuracy(outputs, targets):
    return ${metricExpr ?? 'None'}


def setup():
    """Joins the process group torchrun describes (or a group of one when run directly)."""
    if 'RANK' not in os.environ:
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
        os.environ.update(RANK='0', WORLD_SIZE='1', LOCAL_RANK='0', MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    return int(os.environ['RANK']), int(os.environ['WORLD_SIZE']), int(os.environ['LOCAL_RANK'])


def to(device, value):
    return tuple(v.to(device, non_blocking=True) for v in value) if isinstance(value, (tuple, list)) else value.to(device, non_blocking=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--epochs', type=int, default=30)
    parser.add_argument('--batch-size', type=int, default=128, help='per process (the global batch is this × the number of processes)')
    parser.add_argument('--lr', type=float, default=0.1, help='SGD learning rate (cosine decay to 0)')
    parser.add_argument('--momentum', type=float, default=0.9)
    parser.add_argument('--weight-decay', type=float, default=5e-4)
    parser.add_argument('--workers', type=int, default=4, help='data loader processes per training process')
    parser.add_argument('--checkpoint', default='checkpoint.pt', help='written after every epoch; resumed from when it exists')
    parser.add_argument('--weights', default=None, help='start from these weights (e.g. ${weightsFile})')
    parser.add_argument('--sync-bn', action='store_true', help='BatchNorm statistics over all processes (small per-GPU batches)')
    parser.add_argument('--max-steps', type=int, default=0, help='stop each epoch after this many steps (0 = all; for smoke tests)')
    parser.add_argument('--cpu', action='store_true', help='train on the CPU with the gloo backend')
    args = parser.parse_args()

    rank, world, local_rank = setup()
    cuda = torch.cuda.is_available() and not args.cpu
    dist.init_process_group(backend='nccl' if cuda else 'gloo')
    device = torch.device('cuda', local_rank) if cuda else torch.device('cpu')
    if cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(0)

    model = ${className}()
    if args.weights:
        load_weights(model, args.weights)
    if args.sync_bn:
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model.to(device)
    ddp = DistributedDataParallel(model, device_ids=[local_rank] if cuda else None)

    train_set, val_set = make_dataset(train=True), make_dataset(train=False)
    train_sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True, drop_last=True)
    val_sampler = DistributedSampler(val_set, num_replicas=world, rank=rank, shuffle=False)
    loader_args = dict(batch_size=args.batch_size, num_workers=args.workers, pin_memory=cuda, persistent_workers=args.workers > 0)
    train_loader = DataLoader(train_set, sampler=train_sampler, drop_last=True, **loader_args)
    val_loader = DataLoader(val_set, sampler=val_sampler, **loader_args)

    optimizer = torch.optim.SGD(ddp.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay, nesterov=False)
    steps_per_epoch = max(1, len(train_loader) if args.max_steps <= 0 else min(args.max_steps, len(train_loader)))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * min(step / (args.epochs * steps_per_epoch), 1.0))))

    start_epoch = 0
    if os.path.exists(args.checkpoint):
        state = torch.load(args.checkpoint, map_location=device)
        model.load_state_dict(state['model'])
        optimizer.load_state_dict(state['optimizer'])
        scheduler.load_state_dict(state['scheduler'])
        start_epoch = state['epoch'] + 1
        if rank == 0:
            print(f'resumed from {args.checkpoint} after epoch {start_epoch}', flush=True)

    for epoch in range(start_epoch, args.epochs):
        train_sampler.set_epoch(epoch)
        ddp.train()
        began = time.time()
        total = torch.zeros(2, device=device)  # loss sum, batches
        for step, (images, targets) in enumerate(train_loader):
            if args.max_steps > 0 and step >= args.max_steps:
                break
            images, targets = images.to(device, non_blocking=True), to(device, targets)
            loss = loss_fn(ddp(images), targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += torch.stack([loss.detach(), torch.ones((), device=device)])
        dist.all_reduce(total)

        ddp.eval()
        val = torch.zeros(3, device=device)  # loss sum, accuracy sum, batches
        with torch.no_grad():
            for step, (images, targets) in enumerate(val_loader):
                if args.max_steps > 0 and step >= args.max_steps:
                    break
                images, targets = images.to(device, non_blocking=True), to(device, targets)
                outputs = ddp(images)
                acc = accuracy(outputs, targets)
                val += torch.stack([loss_fn(outputs, targets), acc if acc is not None else torch.zeros((), device=device), torch.ones((), device=device)])
        dist.all_reduce(val)

        if rank == 0:
            batches = max(val[2].item(), 1)
            print(
                f'epoch {epoch + 1}/{args.epochs}  loss {total[0].item() / max(total[1].item(), 1):.4f}  '
                f'val loss {val[0].item() / batches:.4f}  val acc {val[1].item() / batches:.4f}  '
                f'lr {scheduler.get_last_lr()[0]:.4g}  {time.time() - began:.1f}s',
                flush=True,
            )
            state = {'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'scheduler': scheduler.state_dict(), 'epoch': epoch}
            tmp = f'{args.checkpoint}.tmp'
            torch.save(state, tmp)
            os.replace(tmp, args.checkpoint)  # never a half-written checkpoint
        dist.barrier()

    dist.destroy_process_group()


if __name__ == '__main__':
    main()
`;
}
