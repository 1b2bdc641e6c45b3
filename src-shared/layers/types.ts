import type { z } from 'zod';
import type * as TfModule from '@tensorflow/tfjs';
import type { InputSpec } from '../graph/document.js';
import type { OnnxPrintContext, PyPrintContext, PyPrinted, TsPrintContext } from './printers.js';

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

/**
 * A problem a layer finds with its inputs or params; the graph validator adds the node and edges.
 *
 * `message` may name an input by the placeholder `{i}` (i = its port, e.g. `{0}`); the validator
 * replaces it with the input's shape and where it comes from (`[16,16,32] from "conv2b"`), and
 * `renderIssue` (layers/common.ts) with the shape and port alone. So a layer says
 * `inputs differ — {0} vs {1}` and the graph says which nodes those are.
 */
export interface LayerIssue {
  /** Stable machine code, e.g. `merge-shape-mismatch`, `kernel-too-large`. */
  code: string;
  message: string;
  /** The input port at fault, when one is. */
  port?: number;
  /** All input ports involved (e.g. the two inputs of a mismatched Add), when more than one. */
  ports?: readonly number[];
}

export type InferResult = { ok: true; shape: Shape } | { ok: false; issue: LayerIssue };

export interface InferContext {
  /** The document's input spec (the Input layer's shape). */
  input: InputSpec;
}

/**
 * Parameter counts and forward multiply-adds for one example.
 *
 * `params` counts TRAINABLE parameters only (what papers report: ResNet-20 = 0.27M includes
 * BatchNorm's gamma and beta but not its moving statistics). `nonTrainable` counts the rest of the
 * weights (BatchNorm's moving mean and variance); tfjs `countParams()` = params + nonTrainable.
 */
export interface LayerCost {
  params: number;
  flops: number;
  /** Non-trainable weights (state such as BatchNorm moving statistics); 0 when absent. */
  nonTrainable?: number;
}

/** How a param field is shown in the inspector (the form is generated from these). */
export interface ParamUi {
  label: string;
  help?: string;
  /** For numbers: sensible range / step for the control. */
  min?: number;
  max?: number;
  step?: number;
  /** For enums (and the string options of unions such as padding): a label per value. */
  options?: Readonly<Record<string, string>>;
}

/**
 * A worked example every kind declares; the contract test checks it: `params` (partial, parsed by
 * the schema) applied to `inputs` give `output`, and the cost equals `cost`, counted by hand in
 * the layer's file.
 */
export interface LayerExample<P> {
  params?: Partial<P>;
  inputs: readonly Shape[];
  output: Shape;
  cost: LayerCost;
  /** The document input spec for the example (only Input reads it); default 8×8×3. */
  input?: InputSpec;
}

/**
 * The minimal surface of `@tensorflow/tfjs` a layer needs to build itself. `tf` is passed in, so
 * src-shared never imports tfjs at run time.
 */
export type Tf = typeof TfModule;
export type TfSymbolic = TfModule.SymbolicTensor;

/**
 * What a layer prints as code, one printer per export target (see printers.ts for the contexts).
 * Every kind fills all three; the codegen tests check each against the tfjs model numerically.
 */
export interface CodePrinters<P> {
  /** A tfjs functional-API expression giving the layer's output symbolic tensor. */
  typescript(params: P, ctx: TsPrintContext): string;
  /** A PyTorch (NCHW) module and forward expression, and how its tfjs weights convert. */
  pytorch(params: P, ctx: PyPrintContext): PyPrinted;
  /** ONNX nodes (NCHW); returns the output tensor's name. */
  onnx(params: P, ctx: OnnxPrintContext): string;
}

/** What the model is trained for and with which loss; only output heads declare it. */
export interface HeadInfo<P> {
  task: 'classification' | 'segmentation' | 'regression';
  loss(params: P): 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError' | 'meanAbsoluteError';
}

/** What `build` may need besides its inputs (the Input layer reads the document's input spec). */
export type BuildContext = InferContext;

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
  /**
   * Builds the layer into a tfjs graph: returns the output symbolic tensor. The layer that
   * produces it is named `name` (helper layers it may add, such as explicit padding, are named
   * `name` + a suffix). `ctx` is required by Input (it reads the input spec).
   */
  build?(tf: Tf, params: P, name: string, inputs: readonly TfSymbolic[], ctx?: BuildContext): TfSymbolic;
  readonly code: CodePrinters<P>;
  /** The hand-counted fixture the contract test checks (see LayerExample). */
  readonly example: LayerExample<P>;
  /** Output heads only: the task and loss the trainer uses. */
  readonly head?: HeadInfo<P>;
}
