import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useApp } from './app-store.js';

describe('notices', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    useApp.setState({ notice: undefined, notices: [] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('finished work clears itself after a few seconds; a refusal or an error stays until dismissed', () => {
    const { notify } = useApp.getState();
    notify('info', 'Exported “net.skipwire.json”.');
    const refusal = notify('warning', 'Not opened: this window has changes in conflict.');
    notify('error', 'Could not save: disk full');
    expect(useApp.getState().notices.map((n) => n.level)).toEqual(['info', 'warning', 'error']);
    vi.advanceTimersByTime(6_500);
    expect(useApp.getState().notices.map((n) => n.level)).toEqual(['warning', 'error']);
    vi.advanceTimersByTime(10 * 60_000);
    expect(useApp.getState().notices).toHaveLength(2);
    // The status bar keeps the latest until it is dismissed.
    expect(useApp.getState().notice?.message).toBe('Could not save: disk full');
    useApp.getState().dismiss(refusal);
    expect(useApp.getState().notices.map((n) => n.message)).toEqual(['Could not save: disk full']);
  });

  it('a notice with an action (Undo) stays longer; the same text again replaces the older one; at most four are shown', () => {
    const { notify } = useApp.getState();
    let undone = 0;
    notify('info', 'Discarded “A”.', { action: { label: 'Undo', run: () => undone++ } });
    vi.advanceTimersByTime(6_500);
    expect(useApp.getState().notices).toHaveLength(1);
    useApp.getState().notices[0]?.action?.run();
    expect(undone).toBe(1);
    for (let i = 0; i < 3; i++) notify('error', 'Could not read the file');
    expect(useApp.getState().notices.filter((n) => n.message === 'Could not read the file')).toHaveLength(1);
    for (let i = 0; i < 6; i++) notify('error', `problem ${i}`);
    expect(useApp.getState().notices.map((n) => n.message)).toEqual(['problem 2', 'problem 3', 'problem 4', 'problem 5']);
  });

  it('never shows control bytes a message may carry from a file', () => {
    useApp.getState().notify('error', 'bad \u0000\u0001\u0002 bytes \uFFFD\uFFFD');
    expect(useApp.getState().notices[0]?.message).toBe('bad bytes …');
  });
});
