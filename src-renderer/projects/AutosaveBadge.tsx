import { useEffect, useState } from 'react';
import { useProject } from '../state/project-store.js';
import { statusText } from './autosave.js';
import { whenText } from './when.js';
import './projects.css';

/** The top bar's autosave status: Saved / Saving… / Unsaved changes / Not saved: conflict / error / not in a project. */
export function AutosaveBadge() {
  const status = useProject((s) => s.autosave);
  const name = useProject((s) => s.name);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  const title =
    status.kind === 'error'
      ? `Not saved: ${status.message}. Your network is still here; the next edit or Save tries again.`
      : status.kind === 'saved' && status.at !== null
        ? `Saved ${whenText(status.at, now)}${name === undefined ? '' : ` in “${name}”`}`
        : status.kind === 'detached'
          ? 'This network is in no project: Save creates one, and then every edit is saved'
          : name === undefined
            ? statusText(status)
            : `${statusText(status)} — project “${name}”`;
  return (
    <span className={`autosave autosave-${status.kind}`} data-testid="autosave-status" title={title} aria-live="polite">
      {statusText(status)}
    </span>
  );
}
