import type { z } from 'zod';
import type * as TfModule from '@tensorflow/tfjs';
import type { InputSpec } from '../graph/document.js';

/**
 * A tensor shape without the batch axis: [H, W, C] for feature maps (NHWC, as tfjs), [F] for
 * flat features. Every layer's `inferShape` speaks this.
 */
export type Shape = readonly number[];

export type LayerCategory =
  | 'Input'
  | 'Convolution'
  | 'Normalization'
  | 'Activation'
  | 'Pooling'
  | 'Merge'
  | 'Resize'
  | 'Regularization'
  | 'Dense'
  | 'Output'
  | 'Utility';

/** A problem a layer finds with its inputs or params; the graph validator adds the node and edges. */
export interface LayerIssue {
  /** Stable machine code, e.g. `merge-shape-mismatch`, `kernel-too-large`. */
  code: string;
  message: string;
  /** The input port at fault, when one is. */
  port?: number;
}

export type InferResult = { ok: true; shape: Shape } | { ok: false; issue: LayerIssue };

export interface InferContext {
  /** The document's input spec (the Input layer's shape). */
  input: InputSpec;
}

/** Trainable parameter count and forward multiply-adds for one example. */
export interface LayerCost {
  params: number;
  flops: number;
}

/** How a param field is shown in the inspector (the form is generated from these). */
export interface ParamUi {
  label: string;
  help?: string;
  /** For numbers: sensible range / step for the control. */
  min?: number;
  max?: number;
  step?: number;
}

/**
 * The minimal surface of `@tensorflow/tfjs` a layer needs to build itself. `tf` is passed in, so
 * src-shared never imports tfjs at run time.
 */
export type Tf = typeof TfModule;
export type TfSymbolic = TfModule.SymbolicTensor;

/** What a layer prints as code (filled by the code generators; the slot exists for every kind). */
export interface CodePrinters<P> {
  /** A tfjs functional-API expression; `inputs` are variable names. */
  typescript?: (params: P, name: string, inputs: readonly string[]) => string;
  /** A PyTorch module constructor and forward expression. */
  pytorch?: (params: P, name: string, inputs: readonly string[], inputShapes: readonly Shape[]) => { init?: string; forward: string };
}

/**
 * ONE FILE PER LAYER KIND declares one of these; the registry lists them. The canvas's
 * isValidConnection, the validator, the compiler and the code generators all call the same entry.
 */
export interface LayerDef<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly kind: string;
  readonly label: string;
  readonly category: LayerCategory;
  readonly description: string;
  /** Params schema with defaults: `params.parse({})` gives the defaults. */
  readonly params: z.ZodType<P, Record<string, unknown>>;
  readonly ui: { readonly [K in keyof P]-?: ParamUi };
  /** Number of inputs: min and max (null = any number, e.g. Concat). */
  readonly arity: { readonly min: number; readonly max: number | null };
  /** Names of the input ports, when they mean different things (Crop: ['x', 'reference']). */
  readonly ports?: readonly string[];
  inferShape(inputs: readonly Shape[], params: P, ctx: InferContext): InferResult;
  cost(inputs: readonly Shape[], output: Shape, params: P): LayerCost;
  /** Key params in a few characters for the node face, e.g. `3×3, 64, /2`. */
  summary(params: P): string;
  /** Builds the layer into a tfjs graph: returns the output symbolic tensor. */
  build?(tf: Tf, params: P, name: string, inputs: readonly TfSymbolic[]): TfSymbolic;
  readonly code: CodePrinters<P>;
}
