import { create } from 'zustand';
import type { Clients } from '../../../src-shared/api/index.js';
import type { MetricPoint } from '../../../src-shared/api/services/projects.js';
import type { ProbeEvent } from '../../../src-shared/api/services/training.js';
import { inferShapes } from '../../../src-shared/graph/infer.js';
import { migrateDocument } from '../../../src-shared/graph/migrations.js';
import { expandRepeats } from '../../../src-shared/graph/repeat.js';
import type { Host } from '../../host/host.js';
import { isProbeMetric, mergeSnapshots, snapshotOfEvent, snapshotsOfMetrics } from './probe-model.js';
import type { ProbeSnapshot } from './probe-model.js';

/**
 * Probes per run, for the runs someone is looking at (the focused run's overlay, a health panel):
 * the history of snapshots by step from live `training.probe` events and, for what happened
 * before (or a finished run), from the stored metrics; and the depth order of the run's graph
 * version (its unrolled topological order) for the gradient-by-depth chart.
 */
export interface RunProbes {
  readonly status: 'loading' | 'ready' | 'error';
  /** Why the stored probes could not be read (one line); live probes still arrive. */
  readonly error: string | null;
  readonly history: readonly ProbeSnapshot[];
  /** Topological order of the run's unrolled graph; null until known (or without a saved version). */
  readonly order: readonly string[] | null;
  /** Layer kind of every node of the run's unrolled graph (copies included); null like `order`. */
  readonly kinds: ReadonlyMap<string, string> | null;
}

/** What a run's saved graph version tells the probes: depth order and layer kinds. */
export interface RunGraph {
  readonly order: readonly string[];
  readonly kinds: ReadonlyMap<string, string>;
}

export interface ProbeStoreState {
  readonly runs: Readonly<Record<string, RunProbes>>;
  /** Starts keeping a run's probes (idempotent). */
  begin(runId: string): void;
  /** Adds snapshots to a kept run (ignored for runs not kept). */
  ingest(runId: string, snapshots: readonly ProbeSnapshot[]): void;
  /** The stored probes were read. */
  loaded(runId: string, snapshots: readonly ProbeSnapshot[], graph: RunGraph | null): void;
  failed(runId: string, error: string): void;
  /** Forgets a run. */
  drop(runId: string): void;
}

const EMPTY: RunProbes = { status: 'loading', error: null, history: [], order: null, kinds: null };

export const useProbes = create<ProbeStoreState>((set) => ({
  runs: {},
  begin: (runId) => set((s) => (runId in s.runs ? s : { runs: { ...s.runs, [runId]: EMPTY } })),
  ingest: (runId, snapshots) =>
    set((s) => {
      const r = s.runs[runId];
      if (r === undefined || snapshots.length === 0) return s;
      return { runs: { ...s.runs, [runId]: { ...r, history: mergeSnapshots(r.history, snapshots) } } };
    }),
  loaded: (runId, snapshots, graph) =>
    set((s) => {
      const r = s.runs[runId];
      if (r === undefined) return s;
      // Live snapshots that came while reading win over the stored ones of the same step.
      const history = mergeSnapshots(mergeSnapshots([], snapshots), r.history);
      return { runs: { ...s.runs, [runId]: { status: 'ready', error: null, order: graph?.order ?? null, kinds: graph?.kinds ?? null, history } } };
    }),
  failed: (runId, error) =>
    set((s) => {
      const r = s.runs[runId];
      return r === undefined ? s : { runs: { ...s.runs, [runId]: { ...r, status: 'error', error } } };
    }),
  drop: (runId) =>
    set((s) => {
      if (!(runId in s.runs)) return s;
      const runs = { ...s.runs };
      delete runs[runId];
      return { runs };
    }),
}));

/** Feeds live probe events into the store; returns the unsubscribe. */
export function connectProbes(host: Pick<Host, 'on'>): () => void {
  return host.on('training', 'probe', (e: ProbeEvent) => useProbes.getState().ingest(e.runId, [snapshotOfEvent(e)]));
}

const PAGE = 50_000;

/** Every probe metric of a run, page by page (a page never splits a step: its last step is read again). */
export async function readProbeMetrics(api: Pick<Clients, 'projects'>, runId: string): Promise<MetricPoint[]> {
  const out: MetricPoint[] = [];
  let after = -1;
  for (let guard = 0; guard < 10_000; guard++) {
    const { points, more } = await api.projects.metrics({ runId, afterStep: after, limit: PAGE });
    const last = points[points.length - 1]?.step;
    if (!more || last === undefined) {
      for (const p of points) if (isProbeMetric(p.name)) out.push(p);
      return out;
    }
    const whole = points.filter((p) => p.step < last);
    // One step with more samples than a page: take the page as it is rather than loop.
    const take = whole.length === 0 ? points : whole;
    for (const p of take) if (isProbeMetric(p.name)) out.push(p);
    after = whole.length === 0 ? last : last - 1;
  }
  return out;
}

/**
 * A run's stored probes and what its graph version says (unrolled topological order, kinds). A run never
 * saved (started without a project) has neither: its probes are only the live ones.
 */
export async function readStoredProbes(api: Pick<Clients, 'training' | 'projects'>, runId: string): Promise<{ snapshots: ProbeSnapshot[]; graph: RunGraph | null }> {
  const { run } = await api.training.get({ runId });
  if (run.projectId === null) return { snapshots: [], graph: null };
  const points = await readProbeMetrics(api, runId);
  let graph: RunGraph | null = null;
  if (run.versionId !== null) {
    const { document } = await api.projects.getVersion({ id: run.projectId, versionId: run.versionId });
    const m = migrateDocument(document);
    if (m.ok) {
      const doc = Object.values(m.doc.groups).some((g) => g.repeat > 1) ? expandRepeats(m.doc) : m.doc;
      graph = { order: [...inferShapes(doc).order], kinds: new Map(Object.values(doc.nodes).map((n) => [n.id, n.kind])) };
    }
  }
  return { snapshots: snapshotsOfMetrics(points), graph };
}

const keepers = new Map<string, number>();

/**
 * Keeps a run's probes while someone looks at them: reads its stored probes and depth order once,
 * live events go on arriving. Returns the release (the run is forgotten when nobody keeps it).
 */
export function keepRun(api: Pick<Clients, 'training' | 'projects'>, runId: string): () => void {
  const n = keepers.get(runId) ?? 0;
  keepers.set(runId, n + 1);
  const store = useProbes.getState();
  if (n === 0) {
    store.begin(runId);
    readStoredProbes(api, runId).then(
      ({ snapshots, graph }) => useProbes.getState().loaded(runId, snapshots, graph),
      (e: unknown) => useProbes.getState().failed(runId, `Could not read the run’s stored probes: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (keepers.get(runId) ?? 1) - 1;
    if (left > 0) keepers.set(runId, left);
    else {
      keepers.delete(runId);
      useProbes.getState().drop(runId);
    }
  };
}
