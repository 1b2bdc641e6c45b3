import { useMemo } from 'react';
import { useReactFlow } from '@xyflow/react';
import { visibleOwner } from '../../src-shared/graph/blocks.js';
import { bySeverity, countBySeverity } from '../../src-shared/graph/diagnostics.js';
import type { Diagnostic } from '../../src-shared/graph/diagnostics.js';
import { fixesFor } from '../../src-shared/graph/fixes.js';
import { diagnosticsOf } from '../../src-shared/graph/infer.js';
import { getId } from '../../src-shared/graph/records.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import { NODE_H, NODE_W } from '../editor/geometry.js';
import { FixButton } from './FixButton.js';
import { LastRefusal } from './LastRefusal.js';

const ICON = { error: '●', warning: '▲', info: 'ℹ' } as const;
/** Problems listed at most (a broken 1,000-node graph would otherwise list them all). */
const MAX_SHOWN = 200;

/** Selects the node a problem is about (or the collapsed block hiding it) and brings it into view. */
export function useRevealNode(): (nodeId: string) => void {
  const store = useEditorStore();
  const flow = useReactFlow();
  return (nodeId) => {
    const s = store.getState();
    const node = getId(s.doc.nodes, nodeId);
    if (node === undefined) return;
    const owner = visibleOwner(s.doc, nodeId);
    if (owner.kind === 'block') s.select({ group: owner.id });
    else s.select({ nodes: new Set([nodeId]) });
    const flowNode = flow.getNode(owner.kind === 'block' ? `block:${owner.id}` : nodeId);
    const p = flowNode?.position ?? node.position;
    void flow.setCenter(p.x + NODE_W / 2, p.y + NODE_H / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 200 });
  };
}

/** Brings a block (its collapsed node, or its frame) into view after a collapse or expand. */
export function useRevealGroup(): (groupId: string) => void {
  const flow = useReactFlow();
  return (groupId) => {
    setTimeout(() => {
      const collapsed = flow.getNode(`block:${groupId}`);
      if (collapsed !== undefined) {
        void flow.setCenter(collapsed.position.x + NODE_W / 2, collapsed.position.y + NODE_H / 2, { zoom: Math.max(flow.getZoom(), 0.8), duration: 200 });
        return;
      }
      if (flow.getNode(`frame:${groupId}`) !== undefined) void flow.fitView({ nodes: [{ id: `frame:${groupId}` }], padding: 0.06, maxZoom: 1, duration: 200 });
    }, 30);
  };
}

function Problem({ d, reveal }: { d: Diagnostic; reveal: (id: string) => void }) {
  const analysis = useEditor((s) => s.analysis);
  const fixes = useMemo(() => fixesFor(analysis, d), [analysis, d]);
  return (
    <li className={`problem sev-${d.severity}`} data-testid="problem" data-code={d.code}>
      <button type="button" className="problem-message" onClick={() => d.nodeId !== undefined && reveal(d.nodeId)} disabled={d.nodeId === undefined} title={d.nodeId === undefined ? undefined : 'Select the layer'}>
        <span className="sev-icon" aria-label={d.severity}>
          {ICON[d.severity]}
        </span>
        {d.message}
      </button>
      {fixes.length > 0 && (
        <span className="fixes">
          {fixes.map((f) => (
            <FixButton key={f.id} analysis={analysis} diagnostic={d} fix={f} />
          ))}
        </span>
      )}
    </li>
  );
}

/** Every diagnostic of the document, errors first; a click selects the layer; quick fixes as buttons. */
export function ProblemsPanel() {
  const analysis = useEditor((s) => s.analysis);
  const reveal = useRevealNode();
  const all = useMemo(() => bySeverity(diagnosticsOf(analysis)), [analysis]);
  const counts = countBySeverity(all);
  const shown = all.slice(0, MAX_SHOWN);
  return (
    <section className="problems" aria-label="Problems" data-testid="problems">
      <header className="problems-head">
        <span className="panel-title">Problems</span>
        <span className="count sev-error" data-testid="error-count">
          {ICON.error} {counts.error} error{counts.error === 1 ? '' : 's'}
        </span>
        <span className="count sev-warning">
          {ICON.warning} {counts.warning} warning{counts.warning === 1 ? '' : 's'}
        </span>
        <span className="count sev-info">
          {ICON.info} {counts.info}
        </span>
      </header>
      <LastRefusal />
      {all.length === 0 ? (
        <p className="muted small problems-empty">No problems: every shape checks out.</p>
      ) : (
        <ul className="problem-list">
          {shown.map((d, i) => (
            <Problem key={`${d.code}:${d.nodeId ?? ''}:${i}`} d={d} reveal={reveal} />
          ))}
          {all.length > shown.length && <li className="muted small">… and {all.length - shown.length} more</li>}
        </ul>
      )}
    </section>
  );
}
