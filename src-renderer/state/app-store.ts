import { create } from 'zustand';
import type { SystemInfo } from '../../src-shared/api/index.js';
import type { ConnectionState } from '../host/host.js';
import { noticeLifetime, readableText } from '../notices/text.js';

export type Theme = 'light' | 'dark';

/** A button on a notice (Undo after a discard). */
export interface NoticeAction {
  label: string;
  run(): void;
}

export interface Notice {
  /** Unique within the window's life. */
  id: number;
  level: 'info' | 'warning' | 'error';
  /** Readable text (control bytes removed; see notices/text.ts). */
  message: string;
  at: number;
  action?: NoticeAction;
}

/** At most this many notices are shown at the top at once (the oldest go first). */
const MAX_NOTICES = 4;
let nextNoticeId = 1;

export interface AppState {
  info: SystemInfo | undefined;
  connection: ConnectionState;
  /** The latest message (the status bar's line). */
  notice: Notice | undefined;
  /** The notices shown near the top of the window, oldest first. */
  notices: readonly Notice[];
  theme: Theme;
  setInfo(info: SystemInfo): void;
  setConnection(c: ConnectionState): void;
  /**
   * Tells the person: near the top of the window and on the status bar. Messages about finished
   * work clear themselves after a few seconds; refusals and errors stay until dismissed. Returns the id.
   */
  notify(level: Notice['level'], message: string, opts?: { action?: NoticeAction }): number;
  dismiss(id: number): void;
  setTheme(t: Theme): void;
}

function initialTheme(): Theme {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('skipwire.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export const useApp = create<AppState>((set, get) => ({
  info: undefined,
  connection: 'connecting',
  notice: undefined,
  notices: [],
  theme: initialTheme(),
  setInfo: (info) => set({ info }),
  setConnection: (connection) => set({ connection }),
  notify: (level, message, opts) => {
    const n: Notice = { id: nextNoticeId++, level, message: readableText(message), at: Date.now(), ...(opts?.action === undefined ? {} : { action: opts.action }) };
    // The same text again replaces the older notice rather than stacking a copy.
    set((s) => ({ notice: n, notices: [...s.notices.filter((o) => o.message !== n.message || o.level !== n.level), n].slice(-MAX_NOTICES) }));
    const life = noticeLifetime(level, n.action !== undefined);
    if (life !== null) setTimeout(() => get().dismiss(n.id), life);
    return n.id;
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id), notice: s.notice?.id === id ? undefined : s.notice })),
  setTheme: (theme) => {
    if (typeof localStorage !== 'undefined') localStorage.setItem('skipwire.theme', theme);
    set({ theme });
  },
}));
