import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError, Dispatcher, exportService } from '../../../src-shared/api/index.js';
import { generateTemplate } from '../../../src-shared/templates/registry.js';
import { createBackend } from '../registry.js';
import { createExportService } from './service.js';

const ctx = { transport: 'in-process', clientId: 'test' } as const;

function resnet8(): Record<string, unknown> & { nodes: Record<string, { params: Record<string, unknown> }> } {
  const r = generateTemplate('resnet', { depth: 8, width: 4, inputHeight: 8, inputWidth: 8, classes: 3 });
  if (!r.ok) throw new Error(r.error.message);
  return JSON.parse(JSON.stringify(r.doc)) as Record<string, unknown> & { nodes: Record<string, { params: Record<string, unknown> }> };
}

function dispatcher(): Dispatcher {
  const d = new Dispatcher();
  d.provide(exportService, createExportService());
  return d;
}

async function refusal(p: Promise<unknown>): Promise<ContractError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ContractError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('export service', () => {
  it('is provided by the backend', () => {
    const d = createBackend({ mode: 'cli', modeReason: 'test', dataDir: mkdtempSync(join(tmpdir(), 'sw-export-svc-')) });
    expect(d.provided()).toContain('export');
  });

  it('returns the files: text as utf8, weights and .onnx as base64, with a folder name', async () => {
    const d = dispatcher();
    const py = exportService.methods.generate.output.parse(await d.call('export', 'generate', { document: resnet8(), target: 'pytorch' }, ctx));
    expect(py.folder).toBe('resnet-8-pytorch');
    expect(py.files.map((f) => [f.name, f.encoding])).toEqual([
      ['resnet_8.py', 'utf8'],
      ['resnet_8.safetensors', 'base64'],
      ['train_ddp.py', 'utf8'],
      ['README.md', 'utf8'],
    ]);
    const weights = Buffer.from(py.files[1]?.content ?? '', 'base64');
    expect(Number(weights.readBigUInt64LE(0))).toBeGreaterThan(100);
    const onnx = exportService.methods.generate.output.parse(await d.call('export', 'generate', { document: resnet8(), target: 'onnx', options: { layout: 'nchw' } }, ctx));
    expect(onnx.files.map((f) => f.name)).toEqual(['resnet-8.onnx', 'README.md']);
    const ts = exportService.methods.generate.output.parse(await d.call('export', 'generate', { document: resnet8(), target: 'typescript', options: { train: false } }, ctx));
    expect(ts.files.map((f) => f.name)).toEqual(['resnet-8.ts', 'README.md']);
  });

  it('refuses a graph with errors (bad-request at the node; check lists the diagnostics), a non-document, unknown options, no document at all; a run is unavailable without a store', async () => {
    const d = dispatcher();
    const doc = resnet8();
    const n = doc.nodes['s1b1_conv2'];
    if (n) n.params = { ...n.params, filters: 8 };
    const e1 = await refusal(d.call('export', 'generate', { document: doc, target: 'typescript' }, ctx));
    expect(e1.code).toBe('bad-request');
    expect(e1.message).toMatch(/^the graph has 1 error: .*\[8,8,8\]/);
    expect(e1.path).toEqual(['document', 'nodes', 's1b1_add']);
    const e2 = await refusal(d.call('export', 'generate', { document: { schemaVersion: 99 }, target: 'onnx' }, ctx));
    expect(e2.code).toBe('bad-request');
    expect(e2.message).toMatch(/newer Skipwire/);
    const e3 = await refusal(d.call('export', 'generate', { document: resnet8(), target: 'onnx', options: { layout: 'nchw', extra: 1 } }, ctx));
    expect(e3.code).toBe('bad-request');
    const e4 = await refusal(d.call('export', 'generate', { document: resnet8(), target: 'pytorch', options: { runId: 'run-1' } }, ctx));
    expect(e4.code).toBe('unavailable');
    expect(e4.message).toBe('exporting a training run needs the project store, which this host does not have');
    const e5 = await refusal(d.call('export', 'generate', { target: 'pytorch' }, ctx));
    expect(e5.code).toBe('bad-request');
    expect(e5.message).toBe('document: a document (or options.runId) is required');
    const checked = exportService.methods.check.output.parse(await d.call('export', 'check', { document: doc }, ctx));
    expect(checked).toMatchObject({ ok: false, name: 'ResNet-8', run: null, error: e1.message });
    expect(checked.diagnostics.filter((x) => x.severity === 'error')).toEqual([{ severity: 'error', code: 'merge-shape-mismatch', message: expect.stringMatching(/\[8,8,8\]/) as unknown, node: 's1b1_add' }]);
    expect(exportService.methods.check.output.parse(await d.call('export', 'check', { document: resnet8() }, ctx))).toMatchObject({ ok: true, error: null, run: null });
  });
});
