/**
 * The shape engine against a display frame: full validation + cost of a ~1,000-node network, and
 * incremental revalidation after one param edit (the editor's path: ops.updateNode → revalidate
 * with the diff → diagnostics and cost), each against a 16.7 ms frame (60 Hz). Prints medians and
 * 95th percentiles; asserts nothing.
 *
 *   npm run bench:graph            (= node bench/run.mjs bench/graph.ts [--reps N])
 */
import { costReport } from '../src-shared/graph/cost.js';
import type { GraphDocument } from '../src-shared/graph/document.js';
import { fixesFor } from '../src-shared/graph/fixes.js';
import { diagnosticsOf, inferShapes, revalidate, type ShapeAnalysis } from '../src-shared/graph/infer.js';
import { updateNode } from '../src-shared/graph/ops.js';
import { generateTemplate } from '../src-shared/templates/registry.js';

const FRAME_MS = 1000 / 60;
const args = process.argv.slice(2);
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) || 200 : 200;

function time(fn: () => void, n: number): { median: number; p95: number } {
  for (let i = 0; i < Math.min(20, n); i++) fn(); // warm up the JIT
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  return { median: xs[Math.floor(xs.length / 2)] ?? 0, p95: xs[Math.floor(xs.length * 0.95)] ?? 0 };
}

function row(what: string, t: { median: number; p95: number }): void {
  const pct = (ms: number) => `${((100 * ms) / FRAME_MS).toFixed(1)}%`;
  console.log(`${what.padEnd(64)} ${t.median.toFixed(3).padStart(8)} ms  (p95 ${t.p95.toFixed(3).padStart(7)} ms)  ${pct(t.median).padStart(6)} of a frame`);
}

// ResNet-284 (6·47 + 2): 141 residual units ≈ 1,000 nodes, with stage changes and option-A shortcuts
const gen = generateTemplate('resnet', { depth: 284 });
if (!gen.ok) throw new Error(gen.error.message);
const doc: GraphDocument = gen.doc;
const nodes = Object.keys(doc.nodes).length;
const full = inferShapes(doc);
const totals = costReport(full).totals;
console.log(`graph bench: ${doc.meta.name}, ${nodes} nodes, ${Object.keys(doc.edges).length} edges, ${(totals.params / 1e6).toFixed(2)}M params, ${(totals.flops / 1e9).toFixed(2)} GFLOPs; frame = ${FRAME_MS.toFixed(1)} ms; ${reps} reps`);
console.log('');

row('generate the document (template)', time(() => void generateTemplate('resnet', { depth: 284 }), Math.max(20, reps / 4)));
row(`full validation + cost (${nodes} nodes)`, time(() => {
  const a = inferShapes(doc);
  diagnosticsOf(a);
  costReport(a);
}, Math.max(20, reps / 4)));

/** One edit as the editor does it: the op, incremental revalidation with its diff, diagnostics, cost. */
function editLoop(nodeId: string, values: readonly Record<string, unknown>[]): { median: number; p95: number; evaluated: number } {
  let d = doc;
  let a: ShapeAnalysis = full;
  let k = 0;
  let evaluated = 0;
  const t = time(() => {
    const r = updateNode(d, { id: nodeId, params: values[k++ % values.length] ?? {} });
    if (!r.ok) throw new Error(r.error.message);
    d = r.doc;
    a = revalidate(a, d, r.diff);
    diagnosticsOf(a);
    costReport(a);
    evaluated = Math.max(evaluated, a.evaluated);
  }, reps);
  return { ...t, evaluated };
}

const keep = editLoop('s2b20_conv1', [{ kernel: 5 }, { kernel: 3 }]);
row(`edit a conv's kernel 3↔5 (shape kept; ${keep.evaluated} node(s) re-inferred)`, keep);
const early = editLoop('s1b2_conv2', [{ filters: 24 }, { filters: 16 }]);
row(`edit early filters 16↔24 (breaks its Add; ≤ ${early.evaluated} re-inferred)`, early);
const late = editLoop('s3b47_conv2', [{ filters: 96 }, { filters: 64 }]);
row(`edit last unit's filters 64↔96 (≤ ${late.evaluated} re-inferred)`, late);

// the quick fixes the editor shows for the broken Add
const broken = updateNode(doc, { id: 's1b2_conv2', params: { filters: 24 } });
if (broken.ok) {
  const a = revalidate(full, broken.doc, broken.diff);
  const d = diagnosticsOf(a).find((x) => x.code === 'merge-shape-mismatch');
  if (d !== undefined) row('quick fixes for that Add (labels only)', time(() => void fixesFor(a, d), reps));
}

console.log('');
console.log(`goal: one edit well under 2 ms (${((100 * 2) / FRAME_MS).toFixed(0)}% of a frame)`);
