import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { costReport, formatCount } from '../../src-shared/graph/cost.js';
import { inferShapes, isValid } from '../../src-shared/graph/infer.js';
import { generateTemplate, templateDefaults, templateDefs } from '../../src-shared/templates/registry.js';
import type { AnyTemplateDef } from '../../src-shared/templates/registry.js';
import { useEditorStore } from '../editor/context.js';
import { paramFields } from '../editor/param-fields.js';
import { ParamForm } from '../inspector/ParamForm.js';
import { Modal } from '../ui/Modal.js';

interface Preview {
  readonly ok: boolean;
  readonly text: string;
}

function previewOf(t: AnyTemplateDef, options: Readonly<Record<string, unknown>>): Preview {
  const r = generateTemplate(t.id, options);
  if (!r.ok) return { ok: false, text: r.error.message };
  const a = inferShapes(r.doc);
  const totals = costReport(a).totals;
  const layers = Object.keys(r.doc.nodes).length;
  return {
    ok: true,
    text: `${r.doc.meta.name}: ${formatCount(totals.params)} params · ${formatCount(totals.flops)} FLOPs · ${layers} layers${isValid(a) ? '' : ' · has errors'}`,
  };
}

/**
 * New from template: the generator families with their options (a form generated from each
 * template's option schema and labels) and a live params / FLOPs preview.
 */
export function Gallery({ onClose, confirmReplace }: { onClose: () => void; confirmReplace?: () => Promise<boolean> }) {
  const store = useEditorStore();
  const [selected, setSelected] = useState<AnyTemplateDef | undefined>(templateDefs[0]);
  const [options, setOptions] = useState<Record<string, unknown>>(() => (templateDefs[0] === undefined ? {} : templateDefaults(templateDefs[0])));
  const [busy, setBusy] = useState(false);
  const deferred = useDeferredValue(options);
  const fields = useMemo(() => (selected === undefined ? [] : paramFields(selected.options, selected.ui)), [selected]);
  const preview = useMemo(() => (selected === undefined ? null : previewOf(selected, deferred)), [selected, deferred]);
  const list = useRef<HTMLUListElement>(null);

  const pick = (t: AnyTemplateDef): void => {
    setSelected(t);
    setOptions(templateDefaults(t));
  };

  const create = async (): Promise<void> => {
    if (selected === undefined) return;
    const r = generateTemplate(selected.id, options);
    if (!r.ok) {
      store.getState().say('error', r.error.message);
      return;
    }
    setBusy(true);
    try {
      // The network on the canvas may hold unsaved work: the person decides first (Cancel keeps it, and the gallery).
      if (confirmReplace !== undefined && !(await confirmReplace())) return;
      await store.getState().loadLaidOut(r.doc);
    } finally {
      setBusy(false);
    }
    onClose();
  };

  return (
    <Modal className="modal gallery" title="New from template" testId="gallery" initialFocus={() => list.current?.querySelector<HTMLElement>('.template-item.active')} onClose={onClose}>
      {templateDefs.length === 0 ? (
        <p className="muted">No templates in this build.</p>
      ) : (
        <div className="gallery-body">
          <ul ref={list} className="template-list" role="listbox" aria-label="Templates">
            {templateDefs.map((t) => (
              <li key={t.id} role="none">
                <button type="button" role="option" aria-selected={t === selected} className={`template-item${t === selected ? ' active' : ''}`} onClick={() => pick(t)} data-testid={`template-${t.id}`}>
                  {t.label}
                </button>
              </li>
            ))}
          </ul>
          {selected !== undefined && (
            <div className="template-detail">
              <p className="muted small">{selected.description}</p>
              <ParamForm fields={fields} values={options} idPrefix={`template-${selected.id}`} onChange={(k, v) => setOptions((o) => ({ ...o, [k]: v }))} />
              <div className={`template-preview${preview?.ok === false ? ' warn' : ''}`} data-testid="template-preview" aria-live="polite">
                {preview?.text ?? ''}
              </div>
            </div>
          )}
        </div>
      )}
      <div className="modal-actions">
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={selected === undefined || preview?.ok !== true || busy} onClick={() => void create()} data-testid="template-create">
          {busy ? 'Creating…' : 'Create'}
        </button>
      </div>
    </Modal>
  );
}
