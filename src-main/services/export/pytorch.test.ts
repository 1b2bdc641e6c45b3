import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../src-shared/graph/compile.js';
import { costReport } from '../../../src-shared/graph/cost.js';
import { inferShapes } from '../../../src-shared/graph/infer.js';
import { emitPyTorch, weightsOf } from '../../../src-shared/codegen/index.js';
import { exportTestGraphs } from '../../../src-shared/codegen/test-graphs.js';
import { runPython, scratchDir, torchPython, writeFiles } from './testing.js';

/**
 * The PyTorch export against the tfjs model, in Debian's PyTorch: every graph's module imports,
 * loads its weights strictly, has the same parameters, and gives the same outputs (≤ 1e-4) on the
 * same input. One Python process checks every graph (importing torch once).
 */

const torch = torchPython();
const graphs = exportTestGraphs();

interface PyResult {
  error?: string;
  params?: number;
  buffers?: number;
  shapes?: number[][];
  diffs?: number[];
}

const CHECK = String.raw`
import importlib.util, json, sys, traceback
import torch

torch.set_num_threads(1)
cases = json.load(open(sys.argv[1]))
results = {}

def read(path, shape):
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=torch.float32).reshape(shape)

for i, c in enumerate(cases):
    try:
        spec = importlib.util.spec_from_file_location(f'case_{i}', c['module'])
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        model = getattr(mod, c['className'])()
        mod.load_weights(model, c['weights'])  # strict: every key and shape must match
        model.eval()
        x = read(c['input'], c['inputShape']).permute(0, 3, 1, 2).contiguous()
        with torch.no_grad():
            ys = model(x)
        ys = ys if isinstance(ys, tuple) else (ys,)
        diffs, shapes = [], []
        for y, out in zip(ys, c['outputs']):
            if y.dim() == 4:
                y = y.permute(0, 2, 3, 1)
            shapes.append(list(y.shape))
            want = read(out['file'], out['shape'])
            diffs.append((y - want).abs().max().item() if list(y.shape) == out['shape'] else float('inf'))
        params = sum(p.numel() for p in model.parameters())
        buffers = sum(b.numel() for n, b in model.named_buffers() if not n.endswith('num_batches_tracked'))
        results[c['name']] = {'params': params, 'buffers': buffers, 'shapes': shapes, 'diffs': diffs if len(ys) == len(c['outputs']) else []}
    except Exception:
        results[c['name']] = {'error': traceback.format_exc()}
print(json.dumps(results))
`;

const scratch = scratchDir('py');
let results: Record<string, PyResult> = {};
const expected = new Map<string, { params: number; nonTrainable: number; total: number }>();

beforeAll(async () => {
  if (!torch.ok) return;
  await tf.setBackend('cpu');
  const cases: unknown[] = [];
  graphs.forEach((g, i) => {
    const dir = join(scratch.dir, `g${i}`);
    const compiled = compileGraph(tf, g.doc);
    try {
      const out = emitPyTorch(g.doc, weightsOf(compiled.model));
      writeFiles(dir, out.files);
      const { height, width, channels } = g.doc.input;
      const x = tf.randomNormal([2, height, width, channels], 0, 1, 'float32', 11);
      writeFileSync(join(dir, 'input.bin'), new Uint8Array(x.dataSync().buffer));
      const ys = [compiled.model.predict(x)].flat() as tf.Tensor[];
      const outputs = ys.map((y, k) => {
        const file = join(dir, `expected${k}.bin`);
        writeFileSync(file, new Uint8Array(Float32Array.from(y.dataSync()).buffer));
        return { file, shape: y.shape };
      });
      const totals = costReport(inferShapes(g.doc)).totals;
      expected.set(g.name, { params: totals.params, nonTrainable: totals.nonTrainable, total: compiled.model.countParams() });
      cases.push({ name: g.name, module: join(dir, out.module), className: out.className, weights: join(dir, out.files[1]?.name ?? ''), input: join(dir, 'input.bin'), inputShape: x.shape, outputs });
      tf.dispose([x, ...ys]);
    } finally {
      compiled.model.dispose();
    }
  });
  writeFileSync(join(scratch.dir, 'cases.json'), JSON.stringify(cases));
  results = JSON.parse(runPython(torch.python, CHECK, scratch.dir, [join(scratch.dir, 'cases.json')])) as Record<string, PyResult>;
}, 120_000);

afterAll(() => scratch.cleanup());

describe.skipIf(!torch.ok)('PyTorch export (Debian python3-torch)', () => {
  it.each(graphs.map((g) => [g.name] as const))('%s: imports, loads its weights, same parameters and outputs as tfjs (≤ 1e-4)', (name) => {
    const r = results[name];
    expect(r?.error).toBeUndefined();
    const want = expected.get(name);
    expect(r?.params).toBe(want?.params);
    expect(r?.buffers).toBe(want?.nonTrainable);
    expect((r?.params ?? 0) + (r?.buffers ?? 0)).toBe(want?.total);
    expect(r?.diffs?.length).toBeGreaterThan(0);
    for (const d of r?.diffs ?? []) expect(d).toBeLessThanOrEqual(1e-4);
  });
});

describe.runIf(!torch.ok)('PyTorch export (skipped)', () => {
  it.skip(`needs Debian's python3-torch: ${torch.ok ? '' : torch.reason}`, () => undefined);
});
