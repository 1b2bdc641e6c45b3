import { useMemo, useRef, useState } from 'react';
import type { DragEvent, KeyboardEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { layersByCategory } from '../../src-shared/layers/registry.js';
import type { AnyLayerDef } from '../../src-shared/layers/registry.js';
import { LAYER_MIME } from '../canvas/Canvas.js';
import { useEditorStore } from '../editor/context.js';
import { NODE_H, NODE_W } from '../editor/geometry.js';
import { bestMatch, filterPalette } from './filter.js';

/**
 * The layer palette, grouped by role, with search. Drag an item onto the canvas, or press Enter /
 * click: the layer goes after the selected layer (wired from it), or in the middle of the view.
 */
export function Palette() {
  const store = useEditorStore();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => filterPalette(layersByCategory(), query), [query]);
  const searchRef = useRef<HTMLInputElement>(null);

  const add = (def: AnyLayerDef): void => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const center = canvas === undefined ? { x: 0, y: 0 } : flow.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 });
    store.getState().addLayerAtSelection(def.kind, { x: Math.round(center.x - NODE_W / 2), y: Math.round(center.y - NODE_H / 2) });
  };

  const onDragStart = (e: DragEvent, def: AnyLayerDef): void => {
    e.dataTransfer.setData(LAYER_MIME, def.kind);
    e.dataTransfer.setData('text/plain', def.kind);
    e.dataTransfer.effectAllowed = 'copy';
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      // Add the best match and clear the search, keeping focus: type the next layer's name at once.
      const first = bestMatch(groups, query);
      if (first !== undefined) add(first);
      setQuery('');
    } else if (e.key === 'Escape') {
      setQuery('');
      e.currentTarget.blur();
    } else if (e.key === '/' && query === '') {
      // `/` is the key that brought you here: in an empty search it types nothing; after a word it is a slash.
      e.preventDefault();
    }
  };

  return (
    <aside className="palette" aria-label="Layers" data-testid="palette">
      <div className="panel-title">Layers</div>
      <input
        ref={searchRef}
        className="palette-search"
        type="search"
        placeholder="Search layers  ( / )"
        aria-label="Search layers"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
        data-palette-search=""
      />
      <div className="palette-list">
        {groups.length === 0 && <p className="muted small">No layer matches “{query}”.</p>}
        {groups.map(([category, defs]) => (
          <section key={category} className="palette-group" aria-label={category}>
            <h4>{category}</h4>
            <ul>
              {defs.map((def) => (
                <li key={def.kind}>
                  <button
                    type="button"
                    className={`palette-item cat-${def.category.toLowerCase()}`}
                    draggable
                    onDragStart={(e) => onDragStart(e, def)}
                    onClick={() => add(def)}
                    title={`${def.description}\nDrag onto the canvas, or press Enter to add it after the selected layer.`}
                    data-testid={`palette-${def.kind}`}
                  >
                    <span className="swatch" aria-hidden="true" />
                    {def.label}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
}
