import type { z } from 'zod';
import type { GraphDocument } from '../graph/document.js';
import { densenetTemplate } from './densenet-bc.js';
import { fcnTemplate } from './fcn.js';
import { plainTemplate } from './plain.js';
import { preactResnetTemplate } from './preact-resnet.js';
import { resnetTemplate } from './resnet.js';
import { resnextTemplate } from './resnext.js';
import type { TemplateDef, TemplateFamily, TemplateOptionUi } from './types.js';
import { unetTemplate } from './unet.js';
import { wrnTemplate } from './wrn.js';

/** A template with its options type erased (what lookups return). */
export type AnyTemplateDef = TemplateDef<Record<string, unknown>>;

/**
 * Every generator, one line each (gallery order). The template ids are the family names the CLI
 * takes (`skipwire template resnet --depth 56`).
 */
const ALL = [plainTemplate, resnetTemplate, preactResnetTemplate, wrnTemplate, resnextTemplate, densenetTemplate, unetTemplate, fcnTemplate] as const;

export const templateDefs: readonly AnyTemplateDef[] = ALL;

const byId: ReadonlyMap<string, AnyTemplateDef> = new Map(templateDefs.map((t) => [t.id, t]));

export const templateIds: readonly string[] = templateDefs.map((t) => t.id);

/** The template `id` (= its family name), or undefined. */
export function getTemplate(id: string): AnyTemplateDef | undefined {
  return byId.get(id);
}

/** The template of a family (each family has one template; its options pick the variant). */
export function templateForFamily(family: TemplateFamily): AnyTemplateDef | undefined {
  return templateDefs.find((t) => t.family === family);
}

/** A template's default options (`options.parse({})`). */
export function templateDefaults(t: AnyTemplateDef): Record<string, unknown> {
  return t.options.parse({});
}

/** One option as a form (the gallery) or a listing (`skipwire template --list`) shows it. */
export interface TemplateOptionInfo extends TemplateOptionUi {
  readonly key: string;
  readonly type: 'number' | 'boolean' | 'enum';
  readonly default: number | string | boolean;
  /** For enums: the allowed values, in order. */
  readonly values?: readonly string[];
}

export function templateOptions(t: AnyTemplateDef): TemplateOptionInfo[] {
  const defaults = templateDefaults(t);
  return Object.entries(t.ui).map(([key, ui]) => {
    const d = defaults[key];
    const value = typeof d === 'number' || typeof d === 'boolean' || typeof d === 'string' ? d : String(d);
    const type = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'enum';
    const info: TemplateOptionInfo = { key, ...ui, type, default: value };
    return type === 'enum' && ui.options !== undefined ? { ...info, values: Object.keys(ui.options) } : info;
  });
}

export type GenerateResult =
  | { readonly ok: true; readonly doc: GraphDocument; readonly options: Record<string, unknown> }
  | { readonly ok: false; readonly error: { readonly message: string; readonly path?: readonly (string | number)[] } };

function describe(issue: z.core.$ZodIssue): string {
  const key = issue.path.filter((p) => typeof p !== 'symbol').join('.');
  return key === '' || issue.message.includes(key) ? issue.message : `${key}: ${issue.message}`;
}

/**
 * Generates a document from template `id` with (partial) options; unknown templates, unknown
 * option names and invalid values come back as one located line, never a throw.
 */
export function generateTemplate(id: string, options: Readonly<Record<string, unknown>> = {}): GenerateResult {
  const t = getTemplate(id);
  if (t === undefined) return { ok: false, error: { message: `unknown template "${id}" (templates: ${templateIds.join(', ')})` } };
  const known = Object.keys(t.ui);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) return { ok: false, error: { message: `template "${id}" has no option "${key}" (options: ${known.join(', ')})`, path: [key] } };
  }
  const parsed = t.options.safeParse(options);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first?.path.filter((p): p is string | number => typeof p !== 'symbol');
    return { ok: false, error: { message: `template "${id}": ${first === undefined ? 'invalid options' : describe(first)}`, ...(path === undefined ? {} : { path }) } };
  }
  return { ok: true, doc: t.generate(parsed.data), options: parsed.data };
}
