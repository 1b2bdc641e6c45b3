import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { generateTemplate } from '../../src-shared/templates/registry.js';
import { run } from './program.js';
import type { Io } from './output.js';

function capture(): Io & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l) };
}

const dir = mkdtempSync(join(tmpdir(), 'sw-export-cli-'));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

function resnet8(): Record<string, unknown> & { nodes: Record<string, { params: Record<string, unknown> }> } {
  const r = generateTemplate('resnet', { depth: 8, width: 4, inputHeight: 16, inputWidth: 16, classes: 3 });
  if (!r.ok) throw new Error(r.error.message);
  return JSON.parse(JSON.stringify(r.doc)) as Record<string, unknown> & { nodes: Record<string, { params: Record<string, unknown> }> };
}

const good = file('resnet8.json', resnet8());

describe('skipwire export', () => {
  it('--seed N: byte-identical files on every export; --dataset states the preprocessing; --outputs logits for ONNX; --seed with --run is refused', async () => {
    const twice = await Promise.all(
      ['a', 'b'].map(async (k) => {
        const out = join(dir, `seed-${k}`);
        expect(await run(['export', good, '--format', 'pytorch', '--seed', '3', '--dataset', 'fashion-mnist', '--out', out], capture())).toBe(0);
        return out;
      }),
    );
    const [a, b] = twice as [string, string];
    expect(readdirSync(a).sort()).toEqual(['README.md', 'resnet_8.py', 'resnet_8.safetensors', 'train_ddp.py']);
    for (const f of readdirSync(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    expect(readFileSync(join(a, 'resnet_8.py'), 'utf8')).toContain("# Fashion-MNIST: (pixel / 255 - MEAN) / STD per channel, as Skipwire normalized every batch\nMEAN = (0.286, 0.286, 0.286)");
    const onnx = join(dir, 'onnx-logits');
    expect(await run(['export', good, '--format', 'onnx', '--outputs', 'logits', '--out', onnx], capture())).toBe(0);
    expect(readFileSync(join(onnx, 'README.md'), 'utf8')).toContain('| output | logits');
    const bad = capture();
    expect(await run(['export', good, '--format', 'onnx', '--seed', 'x', '--out', join(dir, 'x')], bad)).toBe(2);
    expect(bad.errs).toEqual(['skipwire: --seed must be an integer from 0 to 2147483647; got "x"']);
    const both = capture();
    expect(await run(['export', '--run', 'r1', '--format', 'onnx', '--seed', '1', '--out', join(dir, 'x')], both)).toBe(2);
    expect(both.errs[0]).toMatch(/--seed draws fresh weights; a run is exported with its trained weights/);
  });

  it('--format ts: the module and train.ts in a new folder; lists what it wrote', async () => {
    const io = capture();
    const out = join(dir, 'ts');
    expect(await run(['export', good, '--format', 'ts', '--out', out], io)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'resnet-8.ts', 'train.ts']);
    expect(io.outs[0]).toBe(`exported ResNet-8 as ts to ${out}:`);
    expect(io.outs.slice(1).join('\n')).toMatch(/resnet-8\.ts {2}\d+\.\d KB/);
    expect(readFileSync(join(out, 'resnet-8.ts'), 'utf8')).toContain('export function buildModel(tf: Tf): tfjs.LayersModel {');
    expect(io.errs).toEqual([]);
  });

  it('--format pytorch --json: one JSON object naming the module, the weights and train_ddp.py', async () => {
    const io = capture();
    const out = join(dir, 'py');
    expect(await run(['export', good, '--format', 'pytorch', '--out', out, '--json'], io)).toBe(0);
    expect(io.outs).toHaveLength(1);
    const j = JSON.parse(io.outs[0] ?? '') as { ok: boolean; target: string; out: string; files: { name: string; bytes: number }[] };
    expect(j).toMatchObject({ ok: true, target: 'pytorch', out });
    expect(j.files.map((f) => f.name)).toEqual(['resnet_8.py', 'resnet_8.safetensors', 'train_ddp.py', 'README.md']);
    expect(j.files[1]?.bytes).toBeGreaterThan(4 * 4000);
    expect(readFileSync(join(out, 'resnet_8.py'), 'utf8')).toContain('class ResNet8(nn.Module):');
  });

  it('--format onnx (--layout nchw) writes a model ONNX Runtime loads; --format tfjs writes model.json + weights.bin', async () => {
    const io = capture();
    const out = join(dir, 'onnx');
    expect(await run(['export', good, '--format', 'onnx', '--layout', 'nchw', '--out', out], io)).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(join(out, 'resnet-8.onnx')));
    const y = await session.run({ input: new ort.Tensor('float32', new Float32Array(3 * 16 * 16), [1, 3, 16, 16]) });
    expect(Object.values(y)[0]?.dims).toEqual([1, 3]);
    await session.release();
    expect(await run(['export', good, '--format', 'tfjs', '--out', join(dir, 'tfjs')], capture())).toBe(0);
    expect(readdirSync(join(dir, 'tfjs')).sort()).toEqual(['README.md', 'model.json', 'resnet-8.ts', 'weights.bin']);
  });

  it('refuses a graph with errors: exit 1, the diagnostics, one line; nothing written', async () => {
    const doc = resnet8();
    const n = doc.nodes['s1b1_conv2'];
    if (n) n.params = { ...n.params, filters: 8 };
    const io = capture();
    const out = join(dir, 'refused');
    expect(await run(['export', file('broken.json', doc), '--format', 'pytorch', '--out', out], io)).toBe(1);
    expect(io.errs).toEqual([`skipwire: cannot export ${join(dir, 'broken.json')}: the graph has 1 error`]);
    expect(io.outs.some((l) => /^ {2}error {3}.*\[16,16,8\]/.test(l))).toBe(true);
    expect(existsSync(out)).toBe(false);
    const j = capture();
    expect(await run(['export', join(dir, 'broken.json'), '--format', 'ts', '--out', out, '--json'], j)).toBe(1);
    expect(JSON.parse(j.outs[0] ?? '')).toMatchObject({ ok: false, diagnostics: [{ severity: 'error', code: 'merge-shape-mismatch' }] });
  });

  it('bad input exits 2 with one line: an unknown run, unknown format, unreadable or non-document files, files in the way', async () => {
    process.env.SKIPWIRE_DATA_DIR = join(dir, 'data');
    const cases: [string[], RegExp][] = [
      [['export', good, '--format', 'pytorch', '--run', 'r1', '--out', join(dir, 'x')], /^skipwire: cannot export .*resnet8\.json: no run with id r1$/],
      [['export', good, '--format', 'keras', '--out', join(dir, 'x')], /argument 'keras' is invalid/],
      [['export', good, '--out', join(dir, 'x')], /--format/],
      [['export', join(dir, 'missing.json'), '--format', 'ts', '--out', join(dir, 'x')], /cannot read .*missing\.json: no such file/],
      [['export', file('text.json', 'hello'), '--format', 'ts', '--out', join(dir, 'x')], /not a Skipwire document: not JSON/],
      [['export', file('other.json', { a: 1 }), '--format', 'ts', '--out', join(dir, 'x')], /no schemaVersion/],
      [['export', good, '--format', 'ts', '--out', join(dir, 'ts')], /already has resnet-8\.ts, train\.ts, README\.md: pass --force/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(io.errs).toHaveLength(1);
      expect(io.errs[0]).toMatch(message);
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect(await run(['export', good, '--format', 'ts', '--out', join(dir, 'ts'), '--force', '--no-train'], capture())).toBe(0);
  });
});
