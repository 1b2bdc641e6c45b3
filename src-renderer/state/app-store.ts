import { create } from 'zustand';
import type { SystemInfo } from '../../src-shared/api/index.js';
import type { ConnectionState } from '../host/host.js';

export type Theme = 'light' | 'dark';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
  at: number;
}

export interface AppState {
  info: SystemInfo | undefined;
  connection: ConnectionState;
  notice: Notice | undefined;
  theme: Theme;
  setInfo(info: SystemInfo): void;
  setConnection(c: ConnectionState): void;
  notify(level: Notice['level'], message: string): void;
  setTheme(t: Theme): void;
}

function initialTheme(): Theme {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('skipwire.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export const useApp = create<AppState>((set) => ({
  info: undefined,
  connection: 'connecting',
  notice: undefined,
  theme: initialTheme(),
  setInfo: (info) => set({ info }),
  setConnection: (connection) => set({ connection }),
  notify: (level, message) => set({ notice: { level, message, at: Date.now() } }),
  setTheme: (theme) => {
    if (typeof localStorage !== 'undefined') localStorage.setItem('skipwire.theme', theme);
    set({ theme });
  },
}));
