import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './program.js';
import type { Io } from './output.js';

function capture(): Io & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l) };
}

const dir = mkdtempSync(join(tmpdir(), 'sw-template-'));

async function template(args: string[]): Promise<{ code: number; io: ReturnType<typeof capture>; doc: Record<string, unknown> | null; file: string }> {
  const file = join(dir, `${args.join('_').replace(/[^A-Za-z0-9_-]/g, '')}.json`);
  const io = capture();
  const code = await run(['template', ...args, '--out', file], io);
  let doc: Record<string, unknown> | null;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    doc = null;
  }
  return { code, io, doc, file };
}

function meta(doc: Record<string, unknown> | null): { name: string; template: { id: string; options: Record<string, unknown> } } {
  return (doc?.['meta'] ?? {}) as { name: string; template: { id: string; options: Record<string, unknown> } };
}

describe('skipwire template', () => {
  it('--list names every family with its options and flags', async () => {
    const io = capture();
    expect(await run(['template', '--list'], io)).toBe(0);
    const text = io.outs.join('\n');
    for (const id of ['plain', 'resnet', 'preact-resnet', 'wrn', 'resnext', 'densenet-bc', 'unet', 'fcn']) expect(text).toMatch(new RegExp(`^${id} `, 'm'));
    expect(text).toContain('--shortcut identity');
    expect(text).toContain('-o downsample=A');
    expect(text).toContain('--input 572x572x1');
    const j = capture();
    expect(await run(['template', '--list', '--json'], j)).toBe(0);
    const list = JSON.parse(j.outs[0] ?? '') as { templates: { id: string }[] };
    expect(list.templates).toHaveLength(8);
  });

  it('writes a document per family with the flags mapped onto its options', async () => {
    const cases: [string[], string, Record<string, unknown>][] = [
      [['resnet', '--depth', '56', '--shortcut', 'gate'], 'resnet', { depth: 56, shortcut: 'gate' }],
      [['plain', '--depth', '32', '--input', '28x28x1', '--classes', '100'], 'plain', { depth: 32, inputHeight: 28, inputWidth: 28, inputChannels: 1, classes: 100 }],
      [['preact-resnet', '--depth', '110', '-o', 'block=basic'], 'preact-resnet', { depth: 110, block: 'basic' }],
      [['wrn', '--depth', '16', '--width', '4', '-o', 'dropout=0.3'], 'wrn', { depth: 16, width: 4, dropout: 0.3 }],
      [['resnext', '--cardinality', '4', '--width', '4', '-o', 'form=a', '--depth', '11'], 'resnext', { cardinality: 4, width: 4, form: 'a' }],
      [['densenet-bc', '--depth', '40', '--growth', '8', '-o', 'bottleneck=false', '-o', 'compression=1'], 'densenet-bc', { growth: 8, bottleneck: false, compression: 1 }],
      [['unet', '--input', '64x64x3', '-o', 'padding=same', '--depth', '3', '--classes', '1'], 'unet', { padding: 'same', depth: 3, classes: 1 }],
      [['fcn', '-o', 'variant=16s', '--input', '64x64x3', '--width', '8', '-o', 'fcWidth=32'], 'fcn', { variant: '16s', width: 8 }],
    ];
    for (const [args, id, options] of cases) {
      const r = await template(args);
      expect(r.code, `${args.join(' ')}: ${r.io.errs.join(' ')}`).toBe(0);
      expect(meta(r.doc).template.id).toBe(id);
      expect(meta(r.doc).template.options).toMatchObject(options);
      expect(r.io.outs.join('\n')).toMatch(new RegExp(`^wrote .* to ${r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ nodes, [\\d.]+[KMG]? params`));
      // and it checks clean
      const c = capture();
      expect(await run(['check', r.file, '--json'], c)).toBe(0);
    }
  });

  it('prints the paper\'s parameter count and writes to stdout with --out -', async () => {
    const r = await template(['resnet', '--depth', '110']);
    expect(r.io.outs[0]).toMatch(/ResNet-110 .*: 388 nodes, 1\.73M params/);
    const io = capture();
    expect(await run(['template', 'wrn', '--out', '-'], io)).toBe(0);
    expect(meta(JSON.parse(io.outs.join('\n')) as Record<string, unknown>).name).toBe('WRN-28-10');
  });

  it('refuses bad requests with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['template', 'resnet', '--depth', '21', '--out', join(dir, 'x.json')], /template "resnet": depth must be 6n\+2/],
      [['template', 'resnet', '--growth', '12', '--out', join(dir, 'x.json')], /--growth is not an option of resnet/],
      [['template', 'resnet', '--depth', 'deep', '--out', join(dir, 'x.json')], /--depth must be a whole number/],
      [['template', 'resnet', '--input', '32x32', '--out', join(dir, 'x.json')], /--input must be HxWxC/],
      [['template', 'resnet', '--shortcut', 'wormhole', '--out', join(dir, 'x.json')], /shortcut/],
      [['template', 'vgg', '--out', join(dir, 'x.json')], /unknown template "vgg"/],
      [['template', 'resnet'], /--out FILE is required/],
      [['template'], /which template\?/],
      [['template', 'resnet', '-o', 'form', '--out', join(dir, 'x.json')], /-o expects key=value/],
      [['template', 'resnet', '-o', 'form=a', '--out', join(dir, 'x.json')], /-o form is not an option of resnet/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(io.errs).toHaveLength(1);
      expect(io.errs[0]).toMatch(/^skipwire: /);
      expect(io.errs[0]).toMatch(message);
    }
  });

  it('a file it cannot write exits 1 with one line', async () => {
    const io = capture();
    expect(await run(['template', 'resnet', '--out', join(dir, 'missing-dir', 'x.json')], io)).toBe(1);
    expect(io.errs).toEqual([expect.stringMatching(/^skipwire: cannot write .*: ENOENT$/)]);
  });
});
