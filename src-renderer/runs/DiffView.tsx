import type { DocumentDiff, FieldChange, RecordsDiff } from '../../src-shared/api/services/projects.js';

function show(v: unknown): string {
  if (v === undefined) return '∅';
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

function changeText(c: FieldChange): string {
  return `${c.field}: ${show(c.before)} → ${show(c.after)}`;
}

function Section({ title, diff }: { title: string; diff: RecordsDiff }) {
  if (diff.added.length + diff.removed.length + diff.changed.length === 0) return null;
  const name = (r: { id: string; label?: string | undefined; kind?: string | undefined }): string => `${r.label ?? r.id}${r.kind === undefined ? '' : ` (${r.kind})`}`;
  return (
    <div className="diff-section">
      <b>{title}</b>
      <ul>
        {diff.added.map((r) => (
          <li key={`+${r.id}`} className="diff-added">
            + {name(r)}
          </li>
        ))}
        {diff.removed.map((r) => (
          <li key={`-${r.id}`} className="diff-removed">
            − {name(r)}
          </li>
        ))}
        {diff.changed.map((r) => (
          <li key={`~${r.id}`} className="diff-changed">
            ~ {name(r)}: {r.changes.filter((c) => c.field !== 'position').map(changeText).join('; ') || 'moved'}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What changed between two graph versions: nodes, edges, blocks and the document's own fields. */
export function DiffView({ diff }: { diff: DocumentDiff }) {
  if (diff.identical) return <p className="muted small">Same graph version.</p>;
  return (
    <div className="diff-view" data-testid="diff-view">
      <Section title="Layers" diff={diff.nodes} />
      <Section title="Connections" diff={diff.edges} />
      <Section title="Blocks" diff={diff.groups} />
      {diff.document.length > 0 && (
        <div className="diff-section">
          <b>Network</b>
          <ul>
            {diff.document.map((c) => (
              <li key={c.field} className="diff-changed">
                ~ {changeText(c)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
