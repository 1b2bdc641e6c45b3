import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeEvent } from '../../../src-shared/api/services/training.js';
import { HostEvents } from '../../host/events.js';
import type { Host } from '../../host/host.js';
import { snapshotOfEvent, snapshotsOfMetrics } from './probe-model.js';
import { connectProbes, useProbes } from './probe-store.js';

const probe = (runId: string, step: number, g: number): ProbeEvent => ({
  runId,
  epoch: 1,
  step,
  nodes: [{ nodeId: 'conv1', gradNorm: g, weightNorm: 1 }],
  residuals: [{ nodeId: 'add1', shortcut: 'relu1', branch: 'bn2', ratio: 0.5 }],
  activations: [],
});

afterEach(() => {
  for (const id of Object.keys(useProbes.getState().runs)) useProbes.getState().drop(id);
});

describe('probe store', () => {
  it('keeps only the runs begun, merges live snapshots by step, and forgets dropped runs', () => {
    const s = useProbes.getState();
    s.ingest('r1', [snapshotOfEvent(probe('r1', 0, 1))]);
    expect(useProbes.getState().runs.r1).toBeUndefined();
    s.begin('r1');
    s.ingest('r1', [snapshotOfEvent(probe('r1', 4, 0.5)), snapshotOfEvent(probe('r1', 0, 1))]);
    expect(useProbes.getState().runs.r1?.history.map((h) => h.step)).toEqual([0, 4]);
    expect(useProbes.getState().runs.r1?.status).toBe('loading');
    s.drop('r1');
    expect(useProbes.getState().runs.r1).toBeUndefined();
  });

  it('adds the stored probes under the live ones (a live snapshot of the same step wins) and the depth order', () => {
    const s = useProbes.getState();
    s.begin('r2');
    s.ingest('r2', [snapshotOfEvent(probe('r2', 8, 0.25))]);
    const stored = snapshotsOfMetrics([
      { name: 'grad_norm/conv1', step: 0, epoch: 1, value: 2 },
      { name: 'grad_norm/conv1', step: 8, epoch: 1, value: 9 },
      { name: 'residual_ratio/add1', step: 8, epoch: 1, value: 0.7 },
    ]);
    s.loaded('r2', stored, { order: ['input', 'conv1'], kinds: new Map([['conv1', 'Conv2D']]) });
    const r = useProbes.getState().runs.r2;
    expect(r?.status).toBe('ready');
    expect(r?.order).toEqual(['input', 'conv1']);
    expect(r?.kinds?.get('conv1')).toBe('Conv2D');
    expect(r?.history.map((h) => [h.step, h.nodes.get('conv1')?.gradNorm])).toEqual([
      [0, 2],
      [8, 0.25],
    ]);
    expect(r?.history[1]?.residuals.get('add1')).toEqual({ ratio: 0.5, shortcut: 'relu1', branch: 'bn2' });
    s.failed('r2', 'Could not read the run’s stored probes: gone');
    expect(useProbes.getState().runs.r2).toMatchObject({ status: 'error', error: 'Could not read the run’s stored probes: gone' });
  });

  it('takes live training.probe events from the host, checked against the contract', () => {
    const events = new HostEvents();
    const host: Pick<Host, 'on'> = { on: (service, event, listener) => events.on(service, event, listener as (p: unknown) => void) };
    const off = connectProbes(host);
    useProbes.getState().begin('r3');
    events.deliver({ t: 'event', service: 'training', event: 'probe', payload: probe('r3', 12, 0.1) });
    events.deliver({ t: 'event', service: 'training', event: 'probe', payload: probe('other', 12, 0.1) });
    // A payload the contract refuses never reaches the store.
    events.deliver({ t: 'event', service: 'training', event: 'probe', payload: { ...probe('r3', 16, 0.1), step: -1 } });
    expect(useProbes.getState().runs.r3?.history.map((h) => h.step)).toEqual([12]);
    expect(useProbes.getState().runs.other).toBeUndefined();
    off();
    events.deliver({ t: 'event', service: 'training', event: 'probe', payload: probe('r3', 20, 0.1) });
    expect(useProbes.getState().runs.r3?.history).toHaveLength(1);
  });
});
