import type { z } from 'zod';
import type { GraphDocument } from '../graph/document.js';

export type TemplateFamily = 'plain' | 'resnet' | 'preact-resnet' | 'wrn' | 'resnext' | 'densenet-bc' | 'unet' | 'fcn';

/** How a template option is shown in the gallery form (like layers' ParamUi). */
export interface TemplateOptionUi {
  label: string;
  help?: string;
  min?: number;
  max?: number;
  step?: number;
  /** For enum options: a label per value. */
  options?: Readonly<Record<string, string>>;
}

/**
 * A generator: options (zod, with defaults: `options.parse({})` gives them) -> an ordinary,
 * editable document. Repeated stages become blocks (groups). Positions are laid out left to right.
 */
export interface TemplateDef<O extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly family: TemplateFamily;
  readonly label: string;
  /** One or two sentences, naming the paper it follows. */
  readonly description: string;
  readonly options: z.ZodType<O, Record<string, unknown>>;
  readonly ui: { readonly [K in keyof O]-?: TemplateOptionUi };
  generate(options: O): GraphDocument;
}
