import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Skipwire keeps its data when not under Electron (Electron passes its userData path):
 * `SKIPWIRE_DATA_DIR` wins; otherwise the platform's data directory.
 */
export function resolveDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
  electronUserData?: string,
): string {
  const override = env.SKIPWIRE_DATA_DIR;
  if (override !== undefined && override.trim() !== '') return override;
  if (electronUserData !== undefined) return electronUserData;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Skipwire');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Skipwire');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg !== undefined && xdg.trim() !== '' ? xdg : join(home, '.local', 'share'), 'skipwire');
}
