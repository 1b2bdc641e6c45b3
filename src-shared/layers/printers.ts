import type { Shape } from './types.js';

/**
 * What a layer kind prints as code, for each export target (src-shared/codegen drives them).
 * Every printer receives the kind's parsed params, the input and output shapes (NHWC without the
 * batch axis, as the graph speaks them) and a context that names things and collects what the
 * generated file needs besides the layer itself (custom layer classes, helper functions, weights).
 */

/** A weight tensor as tfjs holds it (NHWC layouts: conv kernel [k, k, in, out], dense kernel [in, out]). */
export interface WeightTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

// ---- TypeScript (tfjs functional API) ----------------------------------------------------------

/** A custom tfjs layer class the generated module defines (tfjs has no Scale, Gate, Crop, …). */
export interface TsCustomClass {
  /** Class name, e.g. `Scale` (its registered className is `Skipwire` + name, as the app's). */
  readonly name: string;
  /** One-line JSDoc summary. */
  readonly doc: string;
  /**
   * The class declaration: `class Scale extends tf.layers.Layer { … }`. It may use `tf` (the
   * module passed in), the types `Tensor`, `Shape`, `Kwargs`, `LayerArgs`, `LayerVariable` and the
   * helpers named in `needs`.
   */
  readonly source: string;
  readonly needs?: readonly TsHelperName[];
}

/** Small functions the generated module defines once when a custom class needs them. */
export type TsHelperName = 'oneTensor' | 'oneShape';

export interface TsPrintContext {
  /** The tfjs layer name as a TypeScript expression: a string literal, or a template literal inside a repeat loop. */
  readonly name: string;
  /** The name of a helper layer (the layer name + `suffix`, e.g. `_pad`) as an expression. */
  nameWith(suffix: string): string;
  /** The input variables, by port (symbolic tensors). */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** The document's input spec (Input reads it). */
  readonly input: { readonly height: number; readonly width: number; readonly channels: number };
  /** Declares a custom layer class the module must define; returns the identifier to construct it with. */
  customClass(cls: TsCustomClass): string;
}

// ---- PyTorch (NCHW nn.Module) ------------------------------------------------------------------

/** A helper (class or function) model.py defines once at the top. */
export interface PyHelper {
  /** Its name (the identifier the source defines). */
  readonly name: string;
  readonly source: string;
}

/** A state_dict entry: float32 data, or int64 (BatchNorm's num_batches_tracked). */
export type PyTensor = WeightTensor | { readonly shape: readonly number[]; readonly int64: readonly number[] };

export interface PyPrintContext {
  /** The module attribute (`self.<attr>`) and local variable name of this layer: a Python identifier. */
  readonly attr: string;
  /** The input variables, by port (NCHW tensors, or [N, F] for flat features). */
  readonly inputs: readonly string[];
  /** NHWC shapes as the graph has them (a feature map [H, W, C] is (C, H, W) in PyTorch). */
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** Declares a helper the file must define; returns its name. */
  helper(h: PyHelper): string;
}

export interface PyPrinted {
  /** A module constructor expression set as `self.<attr>` in __init__; absent for a pure function of the inputs. */
  readonly module?: string;
  /** The forward expression (uses `self.<attr>` for the module). */
  readonly forward: string;
  /**
   * For output heads: the final activation applied to the forward value `{x}` unless the model
   * returns logits (`model.logits = True`, what train_ddp.py trains with).
   */
  readonly activation?: string;
  /** A short note printed above the line (why an explicit pad, a permute, …). */
  readonly note?: string;
  /** This layer's tfjs weights (in tfjs order) → the module's state_dict entries (keys relative to the module). */
  weights?(w: readonly WeightTensor[]): Readonly<Record<string, PyTensor>>;
}

// ---- ONNX (opset 13, NCHW inside) --------------------------------------------------------------

/** An ONNX attribute value, tagged with its type. */
export type OnnxAttr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] };

export interface OnnxPrintContext {
  /** The layer name (node names and the output tensor start with it). */
  readonly name: string;
  /** The input tensors, by port: NCHW feature maps, [N, F] flat features. */
  readonly inputs: readonly string[];
  /** NHWC shapes as the graph has them. */
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** The layer's tfjs weights, in tfjs order. */
  readonly weights: readonly WeightTensor[];
  /**
   * Adds a node; returns its output tensor's name. `shape` is the output's shape WITHOUT the batch
   * axis in ONNX layout (C, H, W or F), recorded in value_info. The layer's last node is renamed
   * to the layer name by the exporter.
   */
  node(op: string, inputs: readonly string[], shape: readonly number[], attrs?: Readonly<Record<string, OnnxAttr>>): string;
  /** A float32 initializer; returns its name. */
  floats(suffix: string, shape: readonly number[], data: Float32Array | readonly number[]): string;
  /** An int64 initializer (shapes, pads, axes); returns its name. */
  int64s(suffix: string, values: readonly number[]): string;
}
