import { describe, expect, it } from 'vitest';
import { ContractError, Dispatcher, graphService } from '../../src-shared/api/index.js';
import { createGraphService } from './graph.js';

const ctx = { transport: 'in-process', clientId: 'test' } as const;
const d = new Dispatcher().provide(graphService, createGraphService());

async function refusal(p: Promise<unknown>): Promise<ContractError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('graph service (through the dispatcher, so replies meet the contract)', () => {
  it('lists every template with its options and defaults', async () => {
    const r = (await d.call('graph', 'templates', {}, ctx)) as { templates: { id: string; options: { key: string; default: unknown; values?: string[] }[] }[] };
    expect(r.templates.map((t) => t.id)).toEqual(['plain', 'resnet', 'preact-resnet', 'wrn', 'resnext', 'densenet-bc', 'unet', 'fcn']);
    const resnet = r.templates.find((t) => t.id === 'resnet');
    expect(resnet?.options.find((o) => o.key === 'shortcut')).toMatchObject({ default: 'identity', values: ['identity', 'scale', 'gate', 'gate-shortcut', 'conv', 'dropout'] });
    expect(resnet?.options.find((o) => o.key === 'depth')?.default).toBe(20);
  });

  it('generates from a template, and checks the result: ok, the paper\'s parameters, a shape per node', async () => {
    const { document } = (await d.call('graph', 'fromTemplate', { id: 'resnet', options: { depth: 56 } }, ctx)) as { document: unknown };
    const r = (await d.call('graph', 'check', { document }, ctx)) as { ok: boolean; params: number; nodes: number; shapes: Record<string, unknown>; diagnostics: unknown[] };
    expect(r).toMatchObject({ ok: true, params: 853_018 });
    expect(Object.keys(r.shapes)).toHaveLength(r.nodes);
    expect(r.shapes['head']).toEqual([10]);
  });

  it('check reports errors with their fixes\' labels', async () => {
    const { document } = (await d.call('graph', 'fromTemplate', { id: 'resnet', options: {} }, ctx)) as { document: { nodes: Record<string, { params: Record<string, unknown> }> } };
    const conv = document.nodes['s1b1_conv1'];
    if (conv) conv.params = { ...conv.params, filters: 32 };
    const bn = document.nodes['s1b1_conv2'];
    if (bn) bn.params = { ...bn.params, filters: 32 };
    const r = (await d.call('graph', 'check', { document }, ctx)) as { ok: boolean; diagnostics: { severity: string; code: string; nodeId?: string; fixes: { label: string }[] }[] };
    expect(r.ok).toBe(false);
    const [first] = r.diagnostics;
    expect(first).toMatchObject({ severity: 'error', code: 'merge-shape-mismatch', nodeId: 's1b1_add' });
    expect(first?.fixes.map((f) => f.label)).toContain('Insert 1×1 conv (stride 1, 32 filters) + BN on the shortcut from "stem_relu1"');
  });

  it('refuses bad options and non-documents with bad-request and one line', async () => {
    const e1 = await refusal(d.call('graph', 'fromTemplate', { id: 'resnet', options: { depth: 21 } }, ctx));
    expect(e1.code).toBe('bad-request');
    expect(e1.message).toMatch(/6n\+2/);
    const e2 = await refusal(d.call('graph', 'fromTemplate', { id: 'nope', options: {} }, ctx));
    expect(e2.message).toMatch(/unknown template "nope"/);
    const e3 = await refusal(d.call('graph', 'check', { document: { schemaVersion: 99 } }, ctx));
    expect(e3.code).toBe('bad-request');
    expect(e3.message).toMatch(/^document: made by a newer Skipwire/);
  });
});
