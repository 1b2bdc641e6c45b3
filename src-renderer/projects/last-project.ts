/**
 * What was open when the window was last used (per browser profile / Electron userData): a
 * project (reopened at start), no project (the projects page is shown), or nothing yet (a first start).
 */
const KEY = 'skipwire.lastProject';

export type LastOpen = { readonly kind: 'first-start' } | { readonly kind: 'none' } | { readonly kind: 'project'; readonly id: string };

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export function lastOpen(): LastOpen {
  const v = storage()?.getItem(KEY);
  if (v === null || v === undefined) return { kind: 'first-start' };
  return v === '' ? { kind: 'none' } : { kind: 'project', id: v };
}

/** Remembers the open project (undefined: the network open now is in no project). */
export function rememberProject(id: string | undefined): void {
  try {
    storage()?.setItem(KEY, id ?? '');
  } catch {
    // Storage full or refused: the next start shows the projects page instead of reopening.
  }
}
