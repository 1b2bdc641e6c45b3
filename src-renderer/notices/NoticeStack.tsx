import type { ReactNode } from 'react';
import { useApp } from '../state/app-store.js';
import './notices.css';

const TITLE = { info: null, warning: 'Warning', error: 'Error' } as const;

/**
 * The window's notices, near the top where the person is looking: every refusal, import error and
 * failed save (these stay until dismissed) and the messages about finished work (these clear
 * themselves after a few seconds). Full text, wrapped; a notice may carry one action (Undo).
 * Only its buttons take the pointer: a notice never stops a click on what it happens to cover.
 * Refusals and errors are alerts (read out at once); finished work is read out by the status bar's
 * line (role="status"), which says it too.
 */
export function NoticeStack({ children }: { children?: ReactNode }) {
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismiss);
  return (
    <div className="notice-stack" role="region" aria-label="Notices">
      {/* (a banner passed in, the autosave conflict's, goes first: the notices line up under it, never over it) */}
      {children}
      {notices.map((n) => (
        <div key={n.id} className={`top-notice top-notice-${n.level}`} role={n.level === 'info' ? undefined : 'alert'} data-testid="top-notice" data-level={n.level}>
          {TITLE[n.level] !== null && <span className="top-notice-title">{TITLE[n.level]}</span>}
          <p className="top-notice-text">{n.message}</p>
          <div className="top-notice-actions">
            {n.action !== undefined && (
              <button
                type="button"
                className="primary"
                data-testid="notice-action"
                onClick={() => {
                  dismiss(n.id);
                  n.action?.run();
                }}
              >
                {n.action.label}
              </button>
            )}
            <button type="button" className="ghost" aria-label="Dismiss this notice" title="Dismiss" data-testid="notice-dismiss" onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
