/** The project open when the window was last used, reopened at start (per browser profile / Electron userData). */
const KEY = 'skipwire.lastProject';

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export function lastProjectId(): string | undefined {
  const v = storage()?.getItem(KEY);
  return v === null || v === undefined || v === '' ? undefined : v;
}

export function rememberProject(id: string | undefined): void {
  const s = storage();
  if (s === undefined) return;
  if (id === undefined) s.removeItem(KEY);
  else s.setItem(KEY, id);
}
