import { useEffect, useRef, useState } from 'react';
import type { DraftSummary } from '../../src-shared/api/services/projects.js';
import type { EditorStore } from '../editor/store.js';
import { useDiscarded } from './discarded.js';
import type { ProjectSession } from './session.js';
import { whenText } from './when.js';
import './unsaved.css';

const SHOWN = 3;

function layersText(n: number): string {
  return `${n} layer${n === 1 ? '' : 's'}`;
}

/**
 * At start: networks that were in no project when a window closed (their drafts) are offered back:
 * Recover puts one onto the canvas exactly as it was kept; Discard removes it from the store. The
 * offer steps aside once the canvas changes (the drafts stay, for the next start).
 */
export function DraftOffer({ session, editor, onRecovered }: { session: ProjectSession; editor: EditorStore; onRecovered: () => void }) {
  const [drafts, setDrafts] = useState<DraftSummary[]>([]);
  const [busy, setBusy] = useState(false);
  const self = useRef(false);
  useEffect(() => {
    let live = true;
    session.otherDrafts().then(
      (d) => live && setDrafts(d),
      () => undefined, // (the store is away: it says so itself)
    );
    const off = editor.getState().onChange(() => {
      if (!self.current) setDrafts([]);
    });
    return () => {
      live = false;
      off();
    };
  }, [session, editor]);
  if (drafts.length === 0) return null;
  const act = async (id: string, recover: boolean): Promise<void> => {
    setBusy(true);
    self.current = true;
    try {
      if (recover) {
        if (!(await session.recoverDraft(id))) return;
        onRecovered();
        setDrafts([]);
        return;
      }
      await session.declineDraft(id);
      setDrafts((ds) => ds.filter((d) => d.id !== id));
    } finally {
      self.current = false;
      setBusy(false);
    }
  };
  const now = Date.now();
  return (
    <section className="draft-offer" role="region" aria-labelledby="draft-offer-title" data-testid="draft-offer">
      <h2 id="draft-offer-title">{drafts.length === 1 ? 'A network was left unsaved' : `${drafts.length} networks were left unsaved`}</h2>
      <ul>
        {drafts.slice(0, SHOWN).map((d) => (
          <li key={d.id} data-testid="draft-item">
            <span className="draft-what">
              <b>{d.name.trim() === '' ? 'Untitled network' : d.name}</b> · {layersText(d.layers)} · kept {whenText(d.savedAt, now)}
            </span>
            <button type="button" className="primary" disabled={busy} onClick={() => void act(d.id, true)} data-testid="draft-recover">
              Recover
            </button>
            <button type="button" disabled={busy} onClick={() => void act(d.id, false)} data-testid="draft-decline" title="Remove it from the project store for good">
              Discard
            </button>
          </li>
        ))}
      </ul>
      {drafts.length > SHOWN && <p className="muted small">… and {drafts.length - SHOWN} more (offered again once these are settled).</p>}
    </section>
  );
}

/**
 * The networks discarded in this window (kept until it closes): a top-bar button, shown while there
 * are any, with a menu to bring one back (in no project: never into the project open now).
 */
export function DiscardedMenu({ session }: { session: ProjectSession }) {
  const items = useDiscarded((s) => s.items);
  const [open, setOpen] = useState(false);
  if (items.length === 0) return null;
  const now = Date.now();
  return (
    <div className="discarded">
      <button type="button" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen((v) => !v)} title="Networks you discarded in this window: bring one back" data-testid="discarded-toggle">
        Discarded ({items.length})
      </button>
      {open && (
        <div
          className="discarded-menu"
          role="group"
          aria-label="Discarded networks"
          data-testid="discarded-menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          <ul>
            {[...items].reverse().map((d) => (
              <li key={d.id}>
                <span>
                  <b>{d.name}</b> · {layersText(d.layers)} · discarded {whenText(d.at, now)}
                  {d.project === null ? '' : ` (unsaved changes of “${d.project}”)`}
                </span>
                <button
                  type="button"
                  onClick={() => {
                    setOpen(false);
                    void session.restoreDiscarded(d.id);
                  }}
                  data-testid="discarded-restore"
                >
                  Restore
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
