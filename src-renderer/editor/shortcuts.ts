/**
 * The editor's keyboard shortcuts as a pure mapping from a key event to an action (Ctrl on
 * Linux/Windows, Cmd on macOS; either works everywhere). Keys typed into a text field are left
 * to the field (see `isTypingTarget`).
 */
export type ShortcutAction =
  | 'undo'
  | 'redo'
  | 'copy'
  | 'cut'
  | 'paste'
  | 'duplicate'
  | 'delete'
  | 'group'
  | 'ungroup'
  | 'select-all'
  | 'escape'
  | 'search'
  | 'layout'
  | 'fit'
  | 'expand-all'
  | 'collapse-all'
  /** Collapse to depth N (the digit keys; 0 collapses everything). */
  | `depth-${number}`;

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

export function shortcutFor(e: KeyLike): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.altKey) return null;
  if (mod) {
    switch (key) {
      case 'z':
        return e.shiftKey ? 'redo' : 'undo';
      case 'y':
        return e.shiftKey ? null : 'redo';
      case 'c':
        return e.shiftKey ? null : 'copy';
      case 'x':
        return e.shiftKey ? null : 'cut';
      case 'v':
        return e.shiftKey ? null : 'paste';
      case 'd':
        return e.shiftKey ? null : 'duplicate';
      case 'g':
        return e.shiftKey ? 'ungroup' : 'group';
      case 'a':
        return e.shiftKey ? null : 'select-all';
      case 'l':
        return e.shiftKey ? 'layout' : null;
      default:
        return null;
    }
  }
  switch (key) {
    case 'Delete':
    case 'Backspace':
      return 'delete';
    case 'Escape':
      return 'escape';
    case '/':
      return e.shiftKey ? null : 'search';
    case '!':
      return 'fit';
    case '1':
      return e.shiftKey ? 'fit' : 'depth-1';
    case ']':
      return 'expand-all';
    case '[':
      return 'collapse-all';
    default:
      return /^[0-9]$/.test(key) && !e.shiftKey ? `depth-${Number(key)}` : null;
  }
}

/** True when the key goes to a text field, select or editable element rather than the canvas. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(type);
}
