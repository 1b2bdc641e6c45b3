import { create } from 'zustand';
import type { GraphDocument } from '../../src-shared/graph/document.js';

/** A network the person chose to discard, kept until the window closes so that the discard can be undone. */
export interface DiscardedNetwork {
  readonly id: number;
  readonly doc: GraphDocument;
  readonly name: string;
  readonly layers: number;
  readonly at: number;
  /** The project it had unsaved changes for (its name), or null: it was in no project. */
  readonly project: string | null;
}

export interface DiscardedState {
  /** Newest last. */
  items: readonly DiscardedNetwork[];
  keep(doc: GraphDocument, project: string | null, at: number): DiscardedNetwork;
  /** Takes one out of the list (it is going back onto the canvas). */
  take(id: number): DiscardedNetwork | undefined;
}

let nextId = 1;

/** The window's discarded networks (memory only: "until the app is closed"). */
export const useDiscarded = create<DiscardedState>((set, get) => ({
  items: [],
  keep: (doc, project, at) => {
    const d: DiscardedNetwork = { id: nextId++, doc, name: doc.meta.name.trim() === '' ? 'Untitled network' : doc.meta.name, layers: Object.keys(doc.nodes).length, at, project };
    set((s) => ({ items: [...s.items, d] }));
    return d;
  },
  take: (id) => {
    const d = get().items.find((x) => x.id === id);
    if (d !== undefined) set((s) => ({ items: s.items.filter((x) => x.id !== id) }));
    return d;
  },
}));
