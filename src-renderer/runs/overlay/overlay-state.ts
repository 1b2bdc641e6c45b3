import { useEffect } from 'react';
import { create } from 'zustand';
import type { NodeId } from '../../../src-shared/graph/document.js';
import { blockTint } from './flow-tint.js';
import type { NodeTint, OverlayView } from './flow-tint.js';
import { useShallow } from 'zustand/react/shallow';
import { useEditor } from '../../editor/context.js';
import type { Aggregate } from './probe-model.js';
import { keepRun, useProbes } from './probe-store.js';
import type { RunProbes } from './probe-store.js';
import { useRunHost } from './run-host.js';

/**
 * What the canvas shows of the focused run's latest probe (null: no overlay). The gradient
 * overlay component computes it from the probes and the document; layer nodes and edges read
 * their own entry, so a probe re-renders only what it tints.
 */
export const useOverlayView = create<{ view: OverlayView | null }>(() => ({ view: null }));

export function setOverlayView(view: OverlayView | null): void {
  useOverlayView.setState({ view });
}

export function useNodeTint(id: NodeId | undefined): NodeTint | undefined {
  return useOverlayView((s) => (id === undefined ? undefined : s.view?.tints.get(id)));
}

/**
 * A collapsed block's tint (the geometric mean of its layers' own gradient norms), or undefined.
 * Re-renders its block only when the tint itself changes, not on every edit of the network.
 */
export function useBlockTint(groupId: string): NodeTint | undefined {
  const view = useOverlayView((s) => s.view);
  return useEditor(useShallow((s) => (view === null ? undefined : blockTint(s.doc, view, groupId))));
}

export function useResidualRatio(id: NodeId): Aggregate | undefined {
  return useOverlayView((s) => s.view?.residuals.get(id));
}

export function useDeadFraction(id: NodeId): Aggregate | undefined {
  return useOverlayView((s) => s.view?.dead.get(id));
}

/** A run's probes, kept (read from the store, then live) while the calling component is mounted. */
export function useRunProbes(runId: string | null): RunProbes | null {
  const host = useRunHost((s) => s.host);
  useEffect(() => {
    if (host === null || runId === null) return undefined;
    return keepRun(host.api, runId);
  }, [host, runId]);
  return useProbes((s) => (runId === null ? null : (s.runs[runId] ?? null)));
}
