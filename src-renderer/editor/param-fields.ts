import { z } from 'zod';

/**
 * The inspector's form, generated from a params schema (zod, through its JSON Schema) and the
 * kind's `ui` labels: one field per param, with its control, range and options. Layers and
 * templates both use it. Validation stays with the schema: the form only picks the control.
 */

export interface FieldUi {
  readonly label: string;
  readonly help?: string;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly options?: Readonly<Record<string, string>>;
}

export interface FieldOption {
  readonly value: string;
  readonly label: string;
}

interface FieldBase {
  readonly key: string;
  readonly label: string;
  readonly help?: string;
  readonly defaultValue?: unknown;
}

export type ParamField =
  | (FieldBase & { readonly control: 'number'; readonly integer: boolean; readonly min?: number; readonly max?: number; readonly step?: number })
  | (FieldBase & { readonly control: 'boolean' })
  | (FieldBase & { readonly control: 'select'; readonly options: readonly FieldOption[] })
  /** A choice of named values or an explicit number (padding: same | valid | n). */
  | (FieldBase & { readonly control: 'select-or-number'; readonly options: readonly FieldOption[]; readonly integer: boolean; readonly min?: number; readonly max?: number })
  | (FieldBase & { readonly control: 'text' });

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asSchema(v: unknown): JsonSchema {
  return isObject(v) ? (v as JsonSchema) : {};
}

function enumOptions(values: readonly unknown[], labels: Readonly<Record<string, string>> | undefined): FieldOption[] {
  return values.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map((v) => ({ value: String(v), label: labels?.[String(v)] ?? String(v) }));
}

function numberRange(s: JsonSchema, ui: FieldUi | undefined): { min?: number; max?: number } {
  const min = ui?.min ?? s.minimum ?? s.exclusiveMinimum;
  const max = ui?.max ?? s.maximum ?? s.exclusiveMaximum;
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

function fieldOf(key: string, s: JsonSchema, ui: FieldUi | undefined): ParamField {
  const base: FieldBase = {
    key,
    label: ui?.label ?? key,
    ...(ui?.help === undefined ? {} : { help: ui.help }),
    ...(s.default === undefined ? {} : { defaultValue: s.default }),
  };
  const variants = s.anyOf ?? s.oneOf;
  if (variants !== undefined) {
    const named: unknown[] = [];
    let numeric: JsonSchema | undefined;
    for (const v of variants) {
      if (v.enum !== undefined) named.push(...v.enum);
      else if (v.const !== undefined) named.push(v.const);
      else if (v.type === 'integer' || v.type === 'number') numeric = v;
    }
    if (numeric !== undefined && named.length > 0) {
      return { ...base, control: 'select-or-number', options: enumOptions(named, ui?.options), integer: numeric.type === 'integer', ...numberRange(numeric, undefined) };
    }
    if (named.length > 0) return { ...base, control: 'select', options: enumOptions(named, ui?.options) };
    if (numeric !== undefined) return { ...base, control: 'number', integer: numeric.type === 'integer', ...numberRange(numeric, ui), ...(ui?.step === undefined ? {} : { step: ui.step }) };
    return { ...base, control: 'text' };
  }
  if (s.enum !== undefined) return { ...base, control: 'select', options: enumOptions(s.enum, ui?.options) };
  if (s.type === 'boolean') return { ...base, control: 'boolean' };
  if (s.type === 'integer' || s.type === 'number') {
    return { ...base, control: 'number', integer: s.type === 'integer', ...numberRange(s, ui), ...(ui?.step === undefined ? {} : { step: ui.step }) };
  }
  return { ...base, control: 'text' };
}

const cache = new WeakMap<object, readonly ParamField[]>();

/** The form fields of an object schema, in declaration order, labelled by `ui`. */
export function paramFields(schema: z.ZodType, ui: Readonly<Record<string, FieldUi>>): readonly ParamField[] {
  const hit = cache.get(schema);
  if (hit !== undefined) return hit;
  let json: JsonSchema;
  try {
    json = asSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
  } catch {
    json = {};
  }
  const fields = Object.entries(json.properties ?? {}).map(([key, s]) => fieldOf(key, asSchema(s), ui[key]));
  cache.set(schema, fields);
  return fields;
}

/**
 * Reads what a person typed into a field as the value to store: numbers parse (NaN is refused:
 * undefined means "not a value yet, keep typing"), select values come back as their option
 * (or a number for select-or-number when it is numeric).
 */
export function readFieldInput(field: ParamField, raw: string | boolean): unknown {
  switch (field.control) {
    case 'boolean':
      return raw === true || raw === 'true';
    case 'number': {
      if (typeof raw !== 'string' || raw.trim() === '') return undefined;
      const n = Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'select':
      return typeof raw === 'string' ? raw : undefined;
    case 'select-or-number': {
      if (typeof raw !== 'string' || raw.trim() === '') return undefined;
      if (field.options.some((o) => o.value === raw)) return raw;
      const n = Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'text':
      return typeof raw === 'string' ? raw : undefined;
  }
}
