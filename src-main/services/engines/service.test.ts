import { describe, expect, it } from 'vitest';
import { Dispatcher, EnginesReport, enginesService } from '../../../src-shared/api/index.js';
import { createEnginesService } from './service.js';
import type { ProbeReport } from './probe.js';

const ctx = { transport: 'in-process', clientId: 't' } as const;

function fakeReport(n: number): ProbeReport {
  return {
    engines: [{ id: 'wasm', label: 'wasm', available: true, detail: `probe ${n}`, tookMs: 1 }],
    auto: 'wasm',
    autoReason: 'the first engine in the order',
    probedAt: new Date(0).toISOString(),
  };
}

describe('engines service', () => {
  it('probes on first call only, shares one probe between concurrent callers, and re-probes on refresh', async () => {
    let calls = 0;
    const d = new Dispatcher().provide(enginesService, createEnginesService({ probe: () => Promise.resolve(fakeReport(++calls)) }));
    expect(calls).toBe(0); // nothing at startup
    const [a, b] = await Promise.all([d.call('engines', 'probe', {}, ctx), d.call('engines', 'probe', {}, ctx)]);
    expect(calls).toBe(1);
    expect(EnginesReport.parse(a).engines[0]?.detail).toBe('probe 1');
    expect(b).toEqual(a);
    await d.call('engines', 'probe', {}, ctx);
    expect(calls).toBe(1);
    const c = EnginesReport.parse(await d.call('engines', 'probe', { refresh: true }, ctx));
    expect(calls).toBe(2);
    expect(c.engines[0]?.detail).toBe('probe 2');
  });

  it('does not cache a failed probe', async () => {
    let calls = 0;
    const d = new Dispatcher().provide(
      enginesService,
      createEnginesService({ probe: () => (++calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve(fakeReport(calls))) }),
    );
    await expect(d.call('engines', 'probe', {}, ctx)).rejects.toThrow(/engines\.probe: boom/);
    expect(EnginesReport.parse(await d.call('engines', 'probe', {}, ctx)).engines[0]?.detail).toBe('probe 2');
  });

  it('the real probe passes the contract schema', async () => {
    const d = new Dispatcher().provide(enginesService, createEnginesService());
    const r = EnginesReport.parse(await d.call('engines', 'probe', {}, ctx));
    expect(r.engines.map((e) => e.id)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
  });

  it('refuses unknown fields', async () => {
    const d = new Dispatcher().provide(enginesService, createEnginesService({ probe: () => Promise.resolve(fakeReport(1)) }));
    await expect(d.call('engines', 'probe', { bogus: 1 }, ctx)).rejects.toThrow(/bad|Unrecognized/i);
  });
});
