import { describe, expect, it } from 'vitest';
import { Autosaver, statusText } from './autosave.js';
import type { AutosaveReply, AutosaveStatus, AutosaveTarget } from './autosave.js';

/** A clock whose timers run only when the test advances it. */
class FakeClock {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  schedule = (fn: () => void, ms: number): (() => void) => {
    const id = this.next++;
    this.timers.push({ at: this.time + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  };
  now = (): number => this.time;
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.time = due.at;
      due.fn();
    }
    this.time = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

interface Call {
  projectId: string;
  doc: string;
  base: number;
  resolve(r: AutosaveReply): void;
  reject(e: Error): void;
}

function setup() {
  const clock = new FakeClock();
  const calls: Call[] = [];
  const statuses: AutosaveStatus[] = [];
  const saved: AutosaveTarget[] = [];
  const a = new Autosaver<string>({
    save: (projectId, doc, base) =>
      new Promise<AutosaveReply>((resolve, reject) => {
        calls.push({ projectId, doc, base, resolve, reject });
      }),
    schedule: clock.schedule,
    now: clock.now,
    onStatus: (s) => statuses.push(s),
    onSaved: (t) => saved.push(t),
  });
  return { a, clock, calls, statuses, saved };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('Autosaver', () => {
  it('is detached (and saves nothing) until attached to a project', () => {
    const { a, clock, calls } = setup();
    expect(a.status.kind).toBe('detached');
    a.edit('x');
    clock.advance(5000);
    expect(calls).toHaveLength(0);
    expect(statusText(a.status)).toBe('Not in a project — Save to keep it');
  });

  it('a burst of edits gives one save, about a second after the last edit, with the latest network and the revision seen', async () => {
    const { a, clock, calls, saved } = setup();
    a.attach({ projectId: 'p', revision: 3 });
    expect(a.status.kind).toBe('saved');
    for (let i = 0; i < 10; i++) {
      a.edit(`doc${i}`);
      clock.advance(300);
    }
    expect(a.status.kind).toBe('unsaved');
    expect(calls).toHaveLength(0);
    clock.advance(699);
    expect(calls).toHaveLength(0);
    clock.advance(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ projectId: 'p', doc: 'doc9', base: 3 });
    expect(a.status.kind).toBe('saving');
    calls[0]?.resolve({ saved: true, revision: 4 });
    await settle();
    expect(a.status).toEqual({ kind: 'saved', at: 3700 });
    expect(saved).toEqual([{ projectId: 'p', revision: 4 }]);
    clock.advance(10_000);
    expect(calls).toHaveLength(1);
  });

  it('edits during a save in flight are followed by exactly one more save, with the latest network, at the new revision', async () => {
    const { a, clock, calls } = setup();
    a.attach({ projectId: 'p', revision: 0 });
    a.edit('a');
    clock.advance(1000);
    expect(calls).toHaveLength(1);
    a.edit('b');
    a.edit('c');
    clock.advance(1000); // the timer fires while the first save is still in flight
    a.edit('d');
    clock.advance(1000);
    expect(calls).toHaveLength(1);
    calls[0]?.resolve({ saved: true, revision: 1 });
    await settle();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ doc: 'd', base: 1 });
    calls[1]?.resolve({ saved: true, revision: 2 });
    await settle();
    clock.advance(5000);
    expect(calls).toHaveLength(2);
    expect(a.status.kind).toBe('saved');
    expect(a.attached).toEqual({ projectId: 'p', revision: 2 });
  });

  it('an edit during a save whose timer has not fired yet waits for its own timer', async () => {
    const { a, clock, calls } = setup();
    a.attach({ projectId: 'p', revision: 0 });
    a.edit('a');
    clock.advance(1000);
    a.edit('b');
    calls[0]?.resolve({ saved: true, revision: 1 });
    await settle();
    expect(calls).toHaveLength(1);
    expect(a.status.kind).toBe('unsaved');
    clock.advance(1000);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ doc: 'b', base: 1 });
  });

  it('a conflict stops autosave until resolved; "keep mine" then writes the latest network at their revision', async () => {
    const { a, clock, calls, statuses } = setup();
    a.attach({ projectId: 'p', revision: 2 });
    a.edit('mine');
    clock.advance(1000);
    calls[0]?.resolve({ saved: false, currentRevision: 5 });
    await settle();
    expect(a.status).toEqual({ kind: 'conflict', theirRevision: 5, myRevision: 2 });
    expect(statusText(a.status)).toBe('Not saved: conflict');
    a.edit('mine2');
    clock.advance(10_000);
    expect(calls).toHaveLength(1);
    expect(await a.flush()).toBe(false);
    expect(calls).toHaveLength(1);
    expect(statuses.at(-1)?.kind).toBe('conflict');
    const kept = a.overwrite();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ doc: 'mine2', base: 5 });
    calls[1]?.resolve({ saved: true, revision: 6 });
    expect(await kept).toBe(true);
    expect(a.status.kind).toBe('saved');
    a.edit('again');
    clock.advance(1000);
    expect(calls[2]).toMatchObject({ doc: 'again', base: 6 });
  });

  it('attaching after a conflict (their copy loaded) forgets my edits and the conflict', async () => {
    const { a, clock, calls } = setup();
    a.attach({ projectId: 'p', revision: 1 });
    a.edit('mine');
    clock.advance(1000);
    calls[0]?.resolve({ saved: false, currentRevision: 2 });
    await settle();
    a.attach({ projectId: 'p', revision: 2 });
    expect(a.status.kind).toBe('saved');
    expect(a.isDirty).toBe(false);
    clock.advance(5000);
    expect(calls).toHaveLength(1);
    a.edit('next');
    clock.advance(1000);
    expect(calls[1]).toMatchObject({ doc: 'next', base: 2 });
  });

  it('a failed save keeps the network dirty with the reason; the next edit tries again', async () => {
    const { a, clock, calls } = setup();
    a.attach({ projectId: 'p', revision: 0 });
    a.edit('x');
    clock.advance(1000);
    calls[0]?.reject(new Error('disk full'));
    await settle();
    expect(a.status).toEqual({ kind: 'error', message: 'disk full' });
    expect(a.isDirty).toBe(true);
    a.edit('y');
    expect(a.status.kind).toBe('unsaved');
    clock.advance(1000);
    expect(calls[1]).toMatchObject({ doc: 'y', base: 0 });
  });

  it('flush saves at once, waits for a save in flight, and resolves when the latest network is written', async () => {
    const { a, clock, calls } = setup();
    a.attach({ projectId: 'p', revision: 0 });
    a.edit('a');
    clock.advance(1000);
    a.edit('b');
    const flushed = a.flush();
    expect(clock.pending).toBe(0);
    calls[0]?.resolve({ saved: true, revision: 1 });
    await settle();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ doc: 'b', base: 1 });
    calls[1]?.resolve({ saved: true, revision: 2 });
    expect(await flushed).toBe(true);
    expect(calls).toHaveLength(2);
    expect(await a.flush()).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('a reply for a project left meanwhile is ignored', async () => {
    const { a, clock, calls, saved } = setup();
    a.attach({ projectId: 'p', revision: 0 });
    a.edit('a');
    clock.advance(1000);
    a.attach({ projectId: 'q', revision: 7 });
    calls[0]?.resolve({ saved: true, revision: 1 });
    await settle();
    expect(saved).toEqual([]);
    expect(a.attached).toEqual({ projectId: 'q', revision: 7 });
    a.edit('b');
    clock.advance(1000);
    expect(calls[1]).toMatchObject({ projectId: 'q', doc: 'b', base: 7 });
  });

  it('setRevision follows a save made by this window elsewhere (Save version)', () => {
    const { a, clock, calls } = setup();
    a.attach({ projectId: 'p', revision: 0 });
    a.setRevision(3);
    a.edit('a');
    clock.advance(1000);
    expect(calls[0]?.base).toBe(3);
  });
});

describe('Autosaver.refused', () => {
  it('turns a refused write made elsewhere into the same conflict (no timer, keep mine writes the latest network)', async () => {
    const { a, clock, calls } = setup();
    a.attach({ projectId: 'p', revision: 1 });
    a.edit('mine');
    a.refused(4);
    expect(a.status).toEqual({ kind: 'conflict', theirRevision: 4, myRevision: 1 });
    clock.advance(5000);
    expect(calls).toHaveLength(0);
    const kept = a.overwrite();
    expect(calls[0]).toMatchObject({ doc: 'mine', base: 4 });
    calls[0]?.resolve({ saved: true, revision: 5 });
    expect(await kept).toBe(true);
  });
});
