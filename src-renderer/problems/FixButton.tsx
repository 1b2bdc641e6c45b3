import { useMemo, useRef, useState } from 'react';
import type { CSSProperties } from 'react';
import type { Diagnostic } from '../../src-shared/graph/diagnostics.js';
import type { QuickFix } from '../../src-shared/graph/fix-types.js';
import type { ShapeAnalysis } from '../../src-shared/graph/infer.js';
import { useEditorStore } from '../editor/context.js';
import { previewFix } from '../editor/fix-preview.js';
import { formatShape } from '../editor/format.js';

/**
 * A quick fix as a button. Hovering or focusing it previews the fix (applied to a copy: the layers
 * it adds or changes with their resulting shapes, and whether the problem goes away); clicking
 * applies it as one undoable edit.
 */
export function FixButton({ analysis, diagnostic, fix }: { analysis: ShapeAnalysis; diagnostic: Diagnostic; fix: QuickFix }) {
  const store = useEditorStore();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const preview = useMemo(() => (open ? previewFix(analysis, diagnostic, fix) : null), [open, analysis, diagnostic, fix]);
  return (
    <span className="fix" onMouseEnter={() => setOpen(true)} onMouseLeave={() => setOpen(false)}>
      <button
        ref={button}
        type="button"
        className="fix-button"
        data-testid="fix-button"
        data-fix={fix.id}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(false);
          store.getState().applyFix(fix);
        }}
        title={fix.description}
      >
        {fix.label}
      </button>
      {open && preview !== null && (
        <div className="fix-preview" role="tooltip" data-testid="fix-preview" style={placeAbove(button.current)}>
          <div className="fix-preview-title">Preview: {fix.description}</div>
          {preview.ok ? (
            <>
              {preview.added.length > 0 && (
                <ul>
                  {preview.added.map((n) => (
                    <li key={n.id}>
                      + {n.kind}
                      {n.summary !== '' ? ` (${n.summary})` : ''} → {formatShape(n.shape)}
                    </li>
                  ))}
                </ul>
              )}
              {preview.changed.length > 0 && (
                <ul>
                  {preview.changed.map((n) => (
                    <li key={n.id}>
                      ~ {n.kind} “{n.id}” → {formatShape(n.shape)}
                    </li>
                  ))}
                </ul>
              )}
              {preview.removed.length > 0 && <div>− {preview.removed.map((n) => n.kind).join(', ')}</div>}
              <div className={preview.resolved ? 'ok' : 'warn'}>
                {preview.resolved ? '✓ resolves this problem' : '✕ the problem remains'} · errors {preview.errorsBefore} → {preview.errorsAfter}
              </div>
            </>
          ) : (
            <div className="warn">Cannot apply: {preview.error}</div>
          )}
        </div>
      )}
    </span>
  );
}

const PREVIEW_WIDTH = 340;

/** Fixed above the button (not clipped by the scrolling list it sits in), kept inside the window. */
function placeAbove(el: HTMLElement | null): CSSProperties {
  if (el === null) return {};
  const r = el.getBoundingClientRect();
  const left = Math.max(8, Math.min(r.left, window.innerWidth - PREVIEW_WIDTH - 8));
  return r.top > 220 ? { left, bottom: window.innerHeight - r.top + 6 } : { left, top: r.bottom + 6 };
}
