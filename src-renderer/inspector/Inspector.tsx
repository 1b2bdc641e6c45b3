import { useMemo } from 'react';
import { blockSummaries } from '../../src-shared/graph/blocks.js';
import { formatBytes, formatCount } from '../../src-shared/graph/cost.js';
import { nodeName } from '../../src-shared/graph/diagnostics.js';
import type { GraphDocument, GroupId, NodeId } from '../../src-shared/graph/document.js';
import { fixesFor, switchMergeFix } from '../../src-shared/graph/fixes.js';
import { getId } from '../../src-shared/graph/records.js';
import { getLayer } from '../../src-shared/layers/registry.js';
import { useEditor, useEditorStore } from '../editor/context.js';
import { formatShape } from '../editor/format.js';
import { paramFields } from '../editor/param-fields.js';
import type { ParamField } from '../editor/param-fields.js';
import { FixButton } from '../problems/FixButton.js';
import { useRevealGroup } from '../problems/ProblemsPanel.js';
import { ParamForm } from './ParamForm.js';

const INPUT_FIELDS: readonly ParamField[] = [
  { key: 'height', label: 'Height', control: 'number', integer: true, min: 1, max: 16_384, step: 1 },
  { key: 'width', label: 'Width', control: 'number', integer: true, min: 1, max: 16_384, step: 1 },
  { key: 'channels', label: 'Channels', control: 'number', integer: true, min: 1, max: 4096, step: 1 },
];

function InputSpecForm({ doc }: { doc: GraphDocument }) {
  const store = useEditorStore();
  return (
    <ParamForm
      fields={INPUT_FIELDS}
      values={doc.input}
      idPrefix="doc-input"
      onChange={(key, value) => {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return;
        store.getState().setInput({ ...store.getState().doc.input, [key]: value });
      }}
    />
  );
}

function NodeInspector({ nodeId }: { nodeId: NodeId }) {
  const store = useEditorStore();
  const node = useEditor((s) => getId(s.doc.nodes, nodeId));
  const info = useEditor((s) => s.analysis.nodes.get(nodeId));
  const analysis = useEditor((s) => s.analysis);
  const doc = useEditor((s) => s.doc);
  const def = node === undefined ? undefined : getLayer(node.kind);
  const fields = useMemo(() => (def === undefined ? [] : paramFields(def.params, def.ui)), [def]);
  if (node === undefined) return null;
  const values: Record<string, unknown> = { ...(info?.params ?? {}), ...node.params };
  const errors: Record<string, string> = {};
  for (const d of info?.diagnostics ?? []) {
    const key = d.paramPath?.[0];
    if (typeof key === 'string') errors[key] = d.message.replace(/^.*?: param "[^"]*"( \(is [^)]*\))?: /, '');
  }
  const sw = node.kind === 'Add' || node.kind === 'Concat' ? switchMergeFix(analysis, nodeId) : null;
  return (
    <div className="inspector-body" data-testid="inspector-node">
      <h3>
        {def?.label ?? node.kind} <span className="muted small">{node.id}</span>
      </h3>
      {def !== undefined && <p className="muted small">{def.description}</p>}
      <div className="field">
        <label htmlFor="node-label">Name</label>
        <input id="node-label" type="text" value={node.label ?? ''} placeholder={node.id} onChange={(e) => store.getState().renameNode(nodeId, e.target.value)} />
      </div>
      {node.kind === 'Input' && (
        <>
          <h4>Image size (the document’s input)</h4>
          <InputSpecForm doc={doc} />
        </>
      )}
      {fields.length > 0 && <h4>Parameters</h4>}
      {fields.length > 0 && <ParamForm fields={fields} values={values} errors={errors} idPrefix={`param-${nodeId}`} onChange={(key, value) => store.getState().updateParams(nodeId, { [key]: value })} />}
      {(node.kind === 'Add' || node.kind === 'Concat') && (
        <div className="merge-switch">
          <button type="button" onClick={() => store.getState().switchMerge(nodeId, node.kind === 'Add' ? 'Concat' : 'Add')} title={sw?.fix.description}>
            {sw?.fix.label ?? `Switch to ${node.kind === 'Add' ? 'Concat' : 'Add'}`}
          </button>
        </div>
      )}
      <h4>Shapes</h4>
      <dl className="facts">
        {(info?.inputs ?? []).map((i) => (
          <div key={i.edgeId}>
            <dt>
              in {i.port}
              {i.portName !== undefined ? ` (${i.portName})` : ''}
            </dt>
            <dd>
              {formatShape(i.shape)} <span className="muted">from {nodeName(getId(doc.nodes, i.sourceId) ?? { id: i.sourceId })}</span>
            </dd>
          </div>
        ))}
        <div>
          <dt>out</dt>
          <dd data-testid="inspector-shape">{formatShape(info?.shape ?? null)}</dd>
        </div>
        {info?.cost !== null && info?.cost !== undefined && (
          <>
            <div>
              <dt>params</dt>
              <dd>
                {info.cost.params.toLocaleString('en-US')}
                {info.cost.nonTrainable > 0 ? ` (+${info.cost.nonTrainable.toLocaleString('en-US')} non-trainable)` : ''}
              </dd>
            </div>
            <div>
              <dt>FLOPs</dt>
              <dd>{formatCount(info.cost.flops)} multiply-adds</dd>
            </div>
            <div>
              <dt>output</dt>
              <dd>{formatBytes(info.cost.activationBytes)} per image</dd>
            </div>
          </>
        )}
      </dl>
      {(info?.diagnostics.length ?? 0) > 0 && (
        <>
          <h4>Problems</h4>
          <ul className="problem-list compact">
            {info?.diagnostics.map((d, i) => (
              <li key={i} className={`problem sev-${d.severity}`}>
                <span className="problem-text">{d.message}</span>
                <span className="fixes">
                  {fixesFor(analysis, d).map((f) => (
                    <FixButton key={f.id} analysis={analysis} diagnostic={d} fix={f} />
                  ))}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function GroupInspector({ groupId }: { groupId: GroupId }) {
  const store = useEditorStore();
  const group = useEditor((s) => getId(s.doc.groups, groupId));
  const summary = useEditor((s) => blockSummaries(s.analysis).get(groupId));
  const reveal = useRevealGroup();
  if (group === undefined) return null;
  return (
    <div className="inspector-body" data-testid="inspector-block">
      <h3>
        {group.label} <span className="muted small">block {group.id}</span>
      </h3>
      <div className="field">
        <label htmlFor="block-label">Name</label>
        <input id="block-label" type="text" value={group.label} onChange={(e) => store.getState().renameGroup(groupId, e.target.value)} />
      </div>
      <ParamForm
        fields={[{ key: 'repeat', label: 'Repeat ×N', control: 'number', integer: true, min: 1, max: 1000, step: 1, help: 'How many times the block repeats (counted N times in params and FLOPs)' }]}
        values={{ repeat: group.repeat }}
        idPrefix={`block-${groupId}`}
        onChange={(_k, v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1000 && store.getState().setRepeat(groupId, v)}
      />
      <div className="button-row">
        <button type="button" onClick={() => void store.getState().setCollapsed(groupId, !group.collapsed).then(() => reveal(groupId))}>
          {group.collapsed ? 'Expand' : 'Collapse'}
        </button>
        <button type="button" onClick={() => store.getState().ungroup(groupId)}>
          Ungroup
        </button>
      </div>
      {summary !== undefined && (
        <dl className="facts">
          <div>
            <dt>layers</dt>
            <dd>{summary.members.length}</dd>
          </div>
          <div>
            <dt>out</dt>
            <dd>{formatShape(summary.outputShape)}</dd>
          </div>
          <div>
            <dt>params</dt>
            <dd>{summary.params.toLocaleString('en-US')}</dd>
          </div>
          <div>
            <dt>FLOPs</dt>
            <dd>{formatCount(summary.flops)}</dd>
          </div>
        </dl>
      )}
    </div>
  );
}

function MultiInspector({ count }: { count: number }) {
  const store = useEditorStore();
  return (
    <div className="inspector-body" data-testid="inspector-multi">
      <h3>{count} layers selected</h3>
      <div className="button-row wrap">
        <button type="button" onClick={() => store.getState().groupSelection()} title="Ctrl/Cmd+G">
          Group into block
        </button>
        <button type="button" onClick={() => store.getState().duplicate()} title="Ctrl/Cmd+D">
          Duplicate
        </button>
        <button type="button" onClick={() => store.getState().deleteSelection()} title="Delete">
          Delete
        </button>
      </div>
    </div>
  );
}

function BlocksOutline({ doc }: { doc: GraphDocument }) {
  const store = useEditorStore();
  const reveal = useRevealGroup();
  const top = Object.values(doc.groups).filter((g) => g.parent === undefined || getId(doc.groups, g.parent) === undefined);
  if (top.length === 0) return null;
  return (
    <>
      <h4>Blocks</h4>
      <ul className="blocks-outline">
        {top.map((g) => (
          <li key={g.id}>
            <button type="button" className="icon-button" aria-label={`${g.collapsed ? 'Expand' : 'Collapse'} ${g.label}`} onClick={() => void store.getState().setCollapsed(g.id, !g.collapsed).then(() => reveal(g.id))}>
              {g.collapsed ? '▸' : '▾'}
            </button>
            <button
              type="button"
              className="link"
              onClick={() => {
                store.getState().select({ group: g.id });
                reveal(g.id);
              }}
            >
              {g.label}
            </button>
            {g.repeat > 1 && <span className="repeat-badge">×{g.repeat}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}

function DocumentInspector() {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  return (
    <div className="inspector-body" data-testid="inspector-document">
      <h3>Network</h3>
      <div className="field">
        <label htmlFor="doc-name">Name</label>
        <input id="doc-name" type="text" value={doc.meta.name} onChange={(e) => store.getState().setMeta({ name: e.target.value })} />
      </div>
      <h4>Input image</h4>
      <InputSpecForm doc={doc} />
      <p className="muted small">
        {Object.keys(doc.nodes).length} layers · {Object.keys(doc.edges).length} connections · {Object.keys(doc.groups).length} blocks
      </p>
      <BlocksOutline doc={doc} />
      <h4>Keys</h4>
      <ul className="keys muted small">
        <li>Enter on a palette layer: add it after the selection</li>
        <li>Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z: undo, redo</li>
        <li>Ctrl/Cmd+C, V, X, D: copy, paste, cut, duplicate</li>
        <li>Delete: remove · Ctrl/Cmd+G: group into a block</li>
        <li>Shift+drag: select several · / : search layers</li>
      </ul>
    </div>
  );
}

/** The right-hand panel: what is selected, as a form generated from its params schema. */
export function Inspector() {
  const selection = useEditor((s) => s.selection);
  let body;
  if (selection.group !== null && selection.nodes.size === 0) body = <GroupInspector groupId={selection.group} />;
  else if (selection.nodes.size === 1) body = <NodeInspector nodeId={[...selection.nodes][0] ?? ''} />;
  else if (selection.nodes.size > 1) body = <MultiInspector count={selection.nodes.size} />;
  else body = <DocumentInspector />;
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      <div className="panel-title">Inspector</div>
      {body}
    </aside>
  );
}
