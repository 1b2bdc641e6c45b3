import { z } from 'zod';
import { CURRENT_SCHEMA_VERSION } from '../graph/document.js';
import type { DocumentMeta, GraphDocument, GraphEdge, GraphGroup, GraphNode, GroupId, InputSpec, NodeId } from '../graph/document.js';
import { newRecords } from '../graph/records.js';
import type { TemplateOptionUi } from './types.js';

/**
 * What every generator uses: a builder that writes an ordinary document (readable ids that are
 * also the labels, e.g. `s2b3_conv1`; edges wired in port order; nested blocks), a deterministic
 * left-to-right layout, and the option schemas the families share (input size, classes).
 */

/** Horizontal distance between layers (or collapsed blocks) and vertical distance between parallel ones. */
export const COLUMN_GAP = 320;
export const ROW_GAP = 110;

export class TemplateBuilder {
  private readonly nodes = newRecords<GraphNode>();
  private readonly edges = newRecords<GraphEdge>();
  private readonly groups = newRecords<GraphGroup>();
  private readonly order: NodeId[] = [];
  private readonly inputsOf = new Map<NodeId, NodeId[]>();
  private edgeCount = 0;
  private current: GroupId | undefined;

  constructor(readonly input: InputSpec) {}

  /** Adds a node `id` (its label too) fed by `inputs` on ports 0, 1, …; returns its id. */
  add(id: NodeId, kind: string, params: Record<string, unknown> = {}, inputs: readonly NodeId[] = []): NodeId {
    if (this.nodes[id] !== undefined) throw new Error(`template bug: duplicate node id "${id}"`);
    const node: GraphNode = { id, kind, params, position: { x: 0, y: 0 }, label: id };
    if (this.current !== undefined) node.group = this.current;
    this.nodes[id] = node;
    this.order.push(id);
    this.inputsOf.set(id, []);
    inputs.forEach((source, port) => this.connect(source, id, port));
    return id;
  }

  /** Feeds `source` into input `port` of `target`. */
  connect(source: NodeId, target: NodeId, port: number): void {
    if (this.nodes[source] === undefined || this.nodes[target] === undefined) throw new Error(`template bug: edge ${source} → ${target} to a missing node`);
    const id = `e${++this.edgeCount}`;
    this.edges[id] = { id, source, target, targetPort: port };
    this.inputsOf.get(target)?.push(source);
  }

  /** Adds layers one after another from `from` (ids are `prefix` + the given suffix); returns the last id. */
  chain(from: NodeId, prefix: string, ...layers: readonly (readonly [suffix: string, kind: string, params?: Record<string, unknown>])[]): NodeId {
    let last = from;
    for (const [suffix, kind, params] of layers) last = this.add(`${prefix}${suffix}`, kind, params ?? {}, [last]);
    return last;
  }

  /** Runs `fill` with new nodes going into a block `id` (nested in the current block, if any).
   * Blocks start collapsed: a generated network opens as its top-level blocks (stages, levels). */
  block<T>(id: GroupId, label: string, fill: () => T, opts: { collapsed?: boolean } = {}): T {
    if (this.groups[id] !== undefined) throw new Error(`template bug: duplicate block id "${id}"`);
    // repeat stays 1: every repetition is materialized as editable nodes; the label says ×N
    const g: GraphGroup = { id, label, collapsed: opts.collapsed ?? true, repeat: 1 };
    if (this.current !== undefined) g.parent = this.current;
    this.groups[id] = g;
    const outer = this.current;
    this.current = id;
    try {
      return fill();
    } finally {
      this.current = outer;
    }
  }

  /**
   * The document, laid out left to right as it opens: an item is a layer outside every collapsed
   * block or the outermost collapsed block around it (its members all sit at its spot); an item's
   * column is its longest path from the input, and items sharing a column are stacked in the order
   * they were added (the main path first, then shortcuts and parallel paths below it). The editor
   * lays a network out again with elkjs when it opens a template; this keeps a generated file
   * readable wherever it is opened. Blocks left without nodes are dropped.
   */
  build(meta: DocumentMeta): GraphDocument {
    const itemOf = (id: NodeId): string => {
      let item: string = id;
      const seen = new Set<GroupId>();
      for (let g = this.nodes[id]?.group; g !== undefined && !seen.has(g); g = this.groups[g]?.parent) {
        seen.add(g);
        if (this.groups[g]?.collapsed === true) item = `block:${g}`;
      }
      return item;
    };
    const column = new Map<string, number>();
    const rows = new Map<number, number>();
    const place = new Map<string, { x: number; y: number }>();
    for (const id of this.order) {
      const item = itemOf(id);
      let c = column.get(item) ?? 0;
      for (const s of this.inputsOf.get(id) ?? []) {
        const from = itemOf(s);
        if (from !== item) c = Math.max(c, (column.get(from) ?? 0) + 1);
      }
      column.set(item, c);
    }
    for (const id of this.order) {
      const item = itemOf(id);
      if (!place.has(item)) {
        const c = column.get(item) ?? 0;
        const row = rows.get(c) ?? 0;
        rows.set(c, row + 1);
        place.set(item, { x: c * COLUMN_GAP, y: row * ROW_GAP });
      }
      const node = this.nodes[id];
      if (node !== undefined) node.position = { ...(place.get(item) as { x: number; y: number }) };
    }
    const used = new Set<GroupId>();
    for (const n of Object.values(this.nodes)) {
      for (let g = n.group; g !== undefined && !used.has(g); g = this.groups[g]?.parent) used.add(g);
    }
    const groups = newRecords<GraphGroup>();
    for (const [id, g] of Object.entries(this.groups)) if (used.has(id)) groups[id] = g;
    return { schemaVersion: CURRENT_SCHEMA_VERSION, meta, input: this.input, nodes: this.nodes, edges: this.edges, groups };
  }
}

// ---------------------------------------------------------------------------------------------
// shared option pieces

export const intOpt = (min: number, max: number, def: number) => z.number().int().min(min).max(max).default(def);
export const numOpt = (min: number, max: number, def: number) => z.number().min(min).max(max).default(def);

/** Input size and classes: every template has them (the CLI's --input HxWxC and --classes). */
export function inputOptions(d: { height: number; width: number; channels: number; classes: number; minClasses?: number }) {
  return {
    inputHeight: intOpt(1, 4096, d.height),
    inputWidth: intOpt(1, 4096, d.width),
    inputChannels: intOpt(1, 64, d.channels),
    classes: intOpt(d.minClasses ?? 2, 100_000, d.classes),
  };
}

export const inputUi = {
  inputHeight: { label: 'Input height', min: 1, max: 4096, step: 1 },
  inputWidth: { label: 'Input width', min: 1, max: 4096, step: 1 },
  inputChannels: { label: 'Input channels', help: '3 for RGB, 1 for grey', min: 1, max: 64, step: 1 },
  classes: { label: 'Classes', min: 2, max: 100_000, step: 1 },
} satisfies Record<string, TemplateOptionUi>;

export function inputSpecOf(o: { inputHeight: number; inputWidth: number; inputChannels: number }): InputSpec {
  return { height: o.inputHeight, width: o.inputWidth, channels: o.inputChannels };
}

/** meta.template wants plain values; options are numbers, strings and booleans already. */
export function templateMeta(id: string, options: Readonly<Record<string, unknown>>): NonNullable<DocumentMeta['template']> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(options)) if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  return { id, options: out };
}

/** `stage 2 (×9)`. */
export function stageLabel(stage: number, repeats: number, what = 'stage'): string {
  return `${what} ${stage} (×${repeats})`;
}
