import { useState } from 'react';
import type { ParamField } from '../editor/param-fields.js';
import { readFieldInput } from '../editor/param-fields.js';

interface FieldProps {
  readonly field: ParamField;
  readonly value: unknown;
  readonly error?: string | undefined;
  readonly idPrefix: string;
  onChange(value: unknown): void;
}

/** A number box that lets a person type freely (`1`, `12`, `128`) and applies every value that parses. */
function NumberBox({ id, value, min, max, step, onValue, label }: { id: string; value: unknown; min?: number | undefined; max?: number | undefined; step?: number | undefined; label?: string; onValue(raw: string): void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? (typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '');
  return (
    <input
      id={id}
      type="number"
      inputMode="decimal"
      value={shown}
      {...(min === undefined ? {} : { min })}
      {...(max === undefined ? {} : { max })}
      step={step ?? 'any'}
      {...(label === undefined ? {} : { 'aria-label': label })}
      onChange={(e) => {
        setDraft(e.target.value);
        onValue(e.target.value);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}

function Field({ field, value, error, idPrefix, onChange }: FieldProps) {
  const id = `${idPrefix}-${field.key}`;
  const apply = (raw: string | boolean): void => {
    const v = readFieldInput(field, raw);
    if (v !== undefined) onChange(v);
  };
  let control;
  switch (field.control) {
    case 'number':
      control = <NumberBox id={id} value={value} min={field.min} max={field.max} step={field.step ?? (field.integer ? 1 : undefined)} onValue={apply} />;
      break;
    case 'boolean':
      control = <input id={id} type="checkbox" checked={value === true} onChange={(e) => apply(e.target.checked)} />;
      break;
    case 'select':
      control = (
        <select id={id} value={String(value ?? '')} onChange={(e) => apply(e.target.value)}>
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'select-or-number': {
      const numeric = typeof value === 'number';
      control = (
        <div className="select-or-number">
          <select id={id} value={numeric ? '#' : String(value ?? '')} onChange={(e) => (e.target.value === '#' ? onChange(field.min ?? 0) : apply(e.target.value))}>
            {field.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
            <option value="#">explicit…</option>
          </select>
          {numeric && <NumberBox id={`${id}-n`} label={`${field.label} (explicit)`} value={value} min={field.min} max={field.max} step={1} onValue={apply} />}
        </div>
      );
      break;
    }
    case 'text':
      control = <input id={id} type="text" value={typeof value === 'string' ? value : ''} onChange={(e) => apply(e.target.value)} />;
      break;
  }
  return (
    <div className={`field${error !== undefined ? ' invalid' : ''}`}>
      <label htmlFor={id} title={field.help}>
        {field.label}
      </label>
      {control}
      {error !== undefined && <div className="field-error">{error}</div>}
    </div>
  );
}

/** A form generated from a params schema's fields (see editor/param-fields.ts). Edits apply as they are typed. */
export function ParamForm({
  fields,
  values,
  errors = {},
  idPrefix,
  onChange,
}: {
  fields: readonly ParamField[];
  values: Readonly<Record<string, unknown>>;
  errors?: Readonly<Record<string, string>>;
  idPrefix: string;
  onChange(key: string, value: unknown): void;
}) {
  if (fields.length === 0) return <p className="muted small">No parameters.</p>;
  return (
    <div className="param-form">
      {fields.map((f) => (
        <Field key={f.key} field={f} value={values[f.key] ?? f.defaultValue} error={errors[f.key]} idPrefix={idPrefix} onChange={(v) => onChange(f.key, v)} />
      ))}
    </div>
  );
}
