import { costReport } from '../graph/cost.js';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { chw, numLit } from '../layers/lib/code.js';
import type { PyHelper, PyPrintContext, PyPrinted, PyTensor } from '../layers/printers.js';
import { commentText, docstringText, NameScope, pyClassName, pyModuleName } from './names.js';
import { planCode, resolveRef } from './plan.js';
import type { CodePlan, PlanItem, PlanLoop, PlanNode } from './plan.js';
import { blockClassBase, commonPrefix, groupAttrName, inlineChains, shapeChange, skeletonOf, sequentialElements, unifyInstances, type InstanceText, type UnifiedClass } from './py-blocks.js';
import { contractSummary, inputContract, pyContract, type Preprocessing } from './contract.js';
import type { TrainRecipe } from './recipe.js';
import { emitTrainDdp } from './train-ddp.js';
import { encodeSafetensors } from './safetensors.js';
import { tidyBlankLines } from './typescript.js';
import type { ExportFile } from './types.js';
import { layerWeights, type WeightSet } from './weights.js';

/**
 * Graph → PyTorch, as torchvision's resnet.py reads: a block of layers becomes an nn.Module class
 * defined once (copies that differ only in numbers share it, the numbers as constructor
 * arguments), a stage's chain of blocks an nn.Sequential (a comprehension where the numbers stay
 * put or step evenly), a repeated block an nn.ModuleList run in a loop; forward() returns logits
 * and predict() the probabilities tfjs outputs; the input contract (constants, preprocess()) sits
 * at the top. Then the weights converted from the tfjs model (NHWC) into a .safetensors file
 * whose keys follow the module tree, and train_ddp.py (train-ddp.ts).
 *
 * Where PyTorch and tfjs differ the printers make them agree: TF 'same' padding puts the odd pixel
 * at the bottom/right (explicit F.pad, or pad_same() from the size at run time when strided),
 * Flatten before Dense keeps tfjs's (H, W, C) order (a permute), softmax runs over channels
 * (dim=1), BatchNorm's momentum is 1 − tfjs's, and bilinear upsampling uses tfjs's coordinates (a
 * small helper; F.interpolate would shift by half a pixel).
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
  const moduleName = pyModuleName(doc.meta.name);
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
  const bases = [...byKey.values()].map((list) => blockClassBase(list[0]?.label ?? '', new Set(list[0]?.members.map((m) => m.def.kind))));
  for (const b of bases) baseCount.set(b, (baseCount.get(b) ?? 0) + 1);
  [...byKey.values()].forEach((list, k) => {
    let base = bases[k] ?? 'Block';
    if ((baseCount.get(base) ?? 0) > 1) base = `${base}${instanceShapeChange(list[0])}`;
    const bc: BlockClass = { name: classNames.claim(base, 'Block'), instances: list, unified: unifyInstances(
        list.map((i) => i.text),
        // a parameter the body reads becomes self.<name>: never a submodule's name
        { reserved: [...(list[0]?.text.init.join('\n') ?? '').matchAll(/\bself\.(\w+) =/g)].map((m) => m[1] ?? '') },
      ),
    };
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
          for (const o of outs) blockResults.add(o);
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
          blockResults.add(attr);
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
  /** Variables holding a block's or a stage's result: each keeps its line. */
  const blockResults = new Set<string>();
  const mainNames = new NameScope('py', ['block']);
  const main: PyClass = { name: className, doc: '', init: [], forward: [], params: [] };
  const mainCarries = new Map<PlanLoop, string>();
  emitScope(main, mainNames, plan.items, `${INDENT}${INDENT}`, [], mainCarries);
  const params = plan.inputs.map((id) => vars.get(id) ?? 'x');
  // a Flatten's features feed layers sized for one input size: the module says so where it starts
  const fixedBy = plan.sequence.find((n) => n.def.kind === 'Flatten' && (n.inputShapes[0]?.length ?? 0) === 3);
  if (fixedBy !== undefined && params[0] !== undefined) {
    main.forward.unshift(
      `${INDENT}${INDENT}if tuple(${params[0]}.shape[2:]) != INPUT_SIZE:`,
      `${INDENT}${INDENT}${INDENT}raise ValueError(f'this network takes {INPUT_SIZE[0]}x{INPUT_SIZE[1]} inputs (${docstringText(fixedBy.label, 40).replace(/[{}']/g, '')} flattens a fixed-size map), got {${params[0]}.shape[2]}x{${params[0]}.shape[3]}')`,
    );
  }
  const outs = plan.outputs.map((o) => resolveRef(plan, o.id, [], (id) => vars.get(id) ?? 'None', (l) => mainCarries.get(l) ?? 'None'));
  main.forward.push(`${INDENT}${INDENT}return ${outs.length === 1 ? outs[0] : outs.join(', ')}`);
  for (const c of [main, ...classes]) {
    tidyBlankLines(c.forward);
    c.forward.splice(0, c.forward.length, ...inlineChains(c.forward, 100, blockResults));
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
  lines.push(pyContract(contract, fixedBy !== undefined));
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
  if (options.train !== false) files.push({ name: 'train_ddp.py', content: emitTrainDdp(plan, moduleName, className, weightsFile, options.recipe) });
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

/** How a block changes the map it is given (see shapeChange). */
function instanceShapeChange(inst: Instance | undefined): string {
  if (inst === undefined) return '';
  const inShape = inst.members.find((m) => m.inputIds.includes(inst.entries[0] ?? ''))?.inputShapes[0] ?? [];
  const outShape = inst.members.find((m) => m.id === inst.exits[0])?.shape ?? [];
  return shapeChange(inShape, outShape);
}
