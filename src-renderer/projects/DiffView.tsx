import type { DocumentDiff } from '../../src-shared/api/services/projects.js';
import { diffSections } from './diff-format.js';
import './projects.css';

const SIGN_CLASS = { '+': 'added', '−': 'removed', '~': 'changed' } as const;

/** What changed between two versions: layers, connections, blocks added / removed / changed, params before → after. */
export function DiffView({ title, diff, onClose }: { title: string; diff: DocumentDiff; onClose: () => void }) {
  const sections = diffSections(diff);
  return (
    <section className="diff-view" aria-label={`Changes: ${title}`} data-testid="diff-view">
      <div className="diff-head">
        <h3>{title}</h3>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close the comparison">
          ✕
        </button>
      </div>
      {sections.length === 0 ? (
        <p className="muted small">No differences.</p>
      ) : (
        sections.map((s) => (
          <div key={s.title} className="diff-section">
            <h4>{s.title}</h4>
            <ul>
              {s.lines.map((l, i) => (
                <li key={`${l.title}-${i}`} className={`diff-line diff-${SIGN_CLASS[l.sign]}`}>
                  <span className="diff-sign" aria-hidden="true">
                    {l.sign}
                  </span>
                  <span className="diff-title">
                    <span className="sr-only">{SIGN_CLASS[l.sign]}: </span>
                    {l.title}
                  </span>
                  {l.details.length > 0 && (
                    <ul className="diff-details">
                      {l.details.map((d) => (
                        <li key={d}>{d}</li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}
