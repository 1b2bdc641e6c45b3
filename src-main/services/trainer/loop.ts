import * as tf from '@tensorflow/tfjs';
import { MAX_SAMPLE_PREDICTIONS } from '../../../src-shared/api/services/training.js';
import type { Evaluation, ProbeEvent, ResolvedHyperparameters, SamplePrediction } from '../../../src-shared/api/services/training.js';
import { compileGraph, CompileError } from '../../../src-shared/graph/compile.js';
import type { CompiledGraph } from '../../../src-shared/graph/compile.js';
import type { NodeId } from '../../../src-shared/graph/document.js';
import { migrateDocument } from '../../../src-shared/graph/migrations.js';
import { openDataset } from '../datasets/spec.js';
import type { Batch, Dataset, Split } from '../datasets/types.js';
import { hashInts, Rng } from '../datasets/random.js';
import { selectEngine } from '../engines/select.js';
import type { SelectedEngine } from '../engines/select.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import type { NamedTensor } from './checkpoint.js';
import { checkCompatible, graphFacts, TrainingRefused } from './graph-facts.js';
import type { GraphFacts } from './graph-facts.js';
import { Optimizer } from './optimizer.js';
import type { TrainableVar } from './optimizer.js';
import { deadFraction, groupNorm, nodeOfLayer, probePlan, residualRatio } from './probes.js';
import type { ProbePlan } from './probes.js';
import type { FailureKind, FromWorker, StartMessage } from './protocol.js';
import { learningRateAt } from './schedule.js';
import { collectSamples } from './samples.js';
import type { Normalization } from './samples.js';

/**
 * The training loop that runs inside the worker (it owns tfjs there): select the engine, compile
 * the graph, open the dataset, then a custom loop rather than model.fit, because it needs the
 * gradients (per-node norms), a chance to pause or cancel between batches, a NaN check on every
 * loss, learning-rate schedules and its own optimizers. Everything it says goes out through
 * `post` as protocol messages.
 */

/** Pause / cancel between batches; the worker feeds it the main side's messages. */
export class RunControl {
  private paused = false;
  private canceled = false;
  private wake: (() => void) | null = null;
  private readonly onStatus: (s: 'running' | 'paused') => void;

  constructor(onStatus: (s: 'running' | 'paused') => void) {
    this.onStatus = onStatus;
  }

  pause(): void {
    if (!this.canceled) this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  cancel(): void {
    this.canceled = true;
    this.wake?.();
  }

  get isCanceled(): boolean {
    return this.canceled;
  }

  /** Between batches: lets queued messages in, waits while paused; false once canceled. */
  async gate(): Promise<boolean> {
    await new Promise<void>((r) => setImmediate(r));
    if (this.canceled) return false;
    if (this.paused) {
      this.onStatus('paused');
      while (this.paused && !this.canceled) await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
      if (this.canceled) return false;
      this.onStatus('running');
    }
    return true;
  }
}

/** Replaces Math.random (which tfjs's initializers and dropout draw their seeds from) with a seeded generator. */
export function seedMathRandom(seed: number): void {
  const rng = new Rng(seed);
  Math.random = () => rng.next();
}

class Failure extends Error {
  readonly kind: FailureKind;
  readonly step: number | undefined;
  constructor(kind: FailureKind, message: string, step?: number) {
    super(message);
    this.kind = kind;
    this.step = step;
  }
}

const EPS = 1e-7;
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** The loss of one head's output against the labels (class indices), and its predicted classes. */
function headLoss(facts: GraphFacts, p: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const clipped = tf.clipByValue(p, EPS, 1 - EPS);
  if (facts.binary) {
    const y = tf.expandDims(tf.cast(labels, 'float32'), -1);
    const ll = tf.add(tf.mul(y, tf.log(clipped)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, clipped))));
    return tf.neg(tf.mean(ll)) as tf.Scalar;
  }
  const y = tf.oneHot(labels, facts.headClasses);
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(clipped)), -1))) as tf.Scalar;
}

function predictions(facts: GraphFacts, p: tf.Tensor): tf.Tensor {
  return facts.binary ? tf.cast(tf.greater(tf.squeeze(p, [-1]), 0.5), 'int32') : tf.argMax(p, -1);
}

interface Model {
  readonly compiled: CompiledGraph;
  /** The training model: the heads' outputs, then the probed nodes' outputs. */
  readonly train: tf.LayersModel;
  readonly probeIndex: ReadonlyMap<NodeId, number | 'input'>;
  readonly vars: readonly TrainableVar[];
  readonly varKeyByName: ReadonlyMap<string, string>;
  /** Node id -> keys of its trainable variables. */
  readonly nodeVars: ReadonlyMap<NodeId, readonly string[]>;
  readonly plan: ProbePlan;
}

function buildModel(compiled: CompiledGraph, facts: GraphFacts): Model {
  const plan = probePlan(compiled.analysis);
  const outputs: NodeId[] = [...facts.heads];
  const probeIndex = new Map<NodeId, number | 'input'>();
  for (const id of plan.tensors) {
    if (compiled.inputs.includes(id)) probeIndex.set(id, 'input');
    else {
      if (!outputs.includes(id)) outputs.push(id);
      probeIndex.set(id, outputs.indexOf(id));
    }
  }
  const sym = (id: NodeId): tf.SymbolicTensor => {
    const t = compiled.tensors.get(id);
    if (t === undefined) throw new Error(`node ${id} has no tensor`);
    return t;
  };
  const train = tf.model({ inputs: compiled.inputs.map(sym), outputs: outputs.map(sym), name: 'skipwire_train' });
  const byLayer = new Map([...compiled.layerNames].map(([id, name]) => [name, id]));
  const vars: TrainableVar[] = [];
  const varKeyByName = new Map<string, string>();
  const nodeVars = new Map<NodeId, string[]>();
  for (const layer of compiled.model.layers) {
    const all = layer.weights;
    for (const lw of layer.trainableWeights) {
      const key = `${layer.name}#${all.indexOf(lw)}`;
      const variable = lw.read() as tf.Variable;
      vars.push({ key, variable, decay: lw.shape.length >= 2 });
      varKeyByName.set(variable.name, key);
      const node = nodeOfLayer(layer.name, byLayer);
      if (node !== undefined) nodeVars.set(node, [...(nodeVars.get(node) ?? []), key]);
    }
  }
  return { compiled, train, probeIndex, vars, varKeyByName, nodeVars, plan };
}

/** Every weight of the model, read asynchronously (WebGPU has no synchronous read in Node: no OffscreenCanvas). */
async function weightsOf(model: Model): Promise<NamedTensor[]> {
  const out: NamedTensor[] = [];
  for (const layer of model.compiled.model.layers) {
    const ws = layer.weights;
    for (let i = 0; i < ws.length; i++) {
      const lw = ws[i];
      if (lw === undefined) continue;
      out.push({ key: `${layer.name}#${i}`, shape: lw.shape.map((d) => d ?? 0), values: (await lw.read().data()) as Float32Array });
    }
  }
  return out;
}

function restoreWeights(model: Model, saved: readonly NamedTensor[]): void {
  const byKey = new Map(saved.map((t) => [t.key, t]));
  tf.tidy(() => {
    for (const layer of model.compiled.model.layers) {
      layer.weights.forEach((lw, i) => {
        const key = `${layer.name}#${i}`;
        const t = byKey.get(key);
        const shape = lw.shape.map((d) => d ?? 0);
        if (t === undefined) throw new Failure('checkpoint', `the checkpoint has no weights for ${key}: it was saved from another graph`);
        if (t.shape.length !== shape.length || t.shape.some((d, j) => d !== shape[j])) {
          throw new Failure('checkpoint', `the checkpoint's ${key} is [${t.shape.join(', ')}] but the graph's is [${shape.join(', ')}]`);
        }
        lw.write(tf.tensor(t.values, shape));
      });
    }
  });
}

interface StepResult {
  loss: number;
  accuracy: number;
  probe: Omit<ProbeEvent, 'runId' | 'epoch' | 'step'> | null;
}

/**
 * One optimizer step on a batch. Returns one small tensor: [loss, accuracy, 0·Σoutputs (NaN when an
 * output is not finite)], then on probe steps
 * the residual ratios, dead-ReLU fractions, and per node the gradient norms and weight norms (read
 * back with a single download).
 */
function trainStep(model: Model, facts: GraphFacts, opt: Optimizer, batch: Batch, lr: number, probe: boolean): tf.Tensor {
  const plan = model.plan;
  const nodesWithVars = [...model.nodeVars.keys()];
  const kept: { stats: tf.Tensor | null } = { stats: null };
  const values = tf.tidy(() => {
    const xs = tf.tensor4d(batch.x, batch.xShape);
    const labels = tf.tensor(batch.labels, batch.labelShape, 'int32');
    const { value, grads } = tf.variableGrads(
      () => {
        const out = model.train.apply(xs, { training: true });
        const outs = Array.isArray(out) ? out : [out];
        const losses = facts.heads.map((_, i) => headLoss(facts, outs[i] as tf.Tensor, labels));
        const loss = losses.length === 1 ? (losses[0] as tf.Scalar) : (tf.addN(losses) as tf.Scalar);
        const acc = tf.mean(tf.cast(tf.equal(predictions(facts, outs[0] as tf.Tensor), labels), 'float32'));
        // 0·Σp is NaN when an output is NaN or ±Infinity: the clipping in the loss would hide it (wasm clamps NaN).
        const outputCheck = tf.addN(facts.heads.map((_, i) => tf.sum(tf.mul(outs[i] as tf.Tensor, 0))));
        const stats: tf.Tensor[] = [acc, outputCheck];
        if (probe) {
          const of = (id: NodeId): tf.Tensor => {
            const i = model.probeIndex.get(id);
            return i === 'input' || i === undefined ? xs : (outs[i] as tf.Tensor);
          };
          for (const r of plan.residuals) stats.push(residualRatio(of(r.branch), of(r.shortcut)));
          for (const id of plan.relus) stats.push(deadFraction(of(id)));
        }
        kept.stats = tf.keep(tf.stack(stats));
        return loss;
      },
      model.vars.map((v) => v.variable),
    );
    const byKey = new Map<string, tf.Tensor>();
    for (const [name, g] of Object.entries(grads)) {
      const key = model.varKeyByName.get(name);
      if (key !== undefined) byKey.set(key, g);
    }
    if (kept.stats === null) throw new Error('the training step produced no statistics');
    const parts: tf.Tensor[] = [tf.reshape(value, [1]), kept.stats];
    if (probe) {
      const vars = new Map(model.vars.map((v) => [v.key, v.variable]));
      const gradNorms = nodesWithVars.map((id) => groupNorm((model.nodeVars.get(id) ?? []).flatMap((k) => byKey.get(k) ?? [])));
      const weightNorms = nodesWithVars.map((id) => groupNorm((model.nodeVars.get(id) ?? []).flatMap((k) => vars.get(k) ?? [])));
      if (gradNorms.length > 0) parts.push(tf.stack(gradNorms), tf.stack(weightNorms));
    }
    const packed = tf.concat(parts);
    opt.apply(byKey, lr);
    return packed;
  });
  kept.stats?.dispose();
  return values;
}

async function runStep(model: Model, facts: GraphFacts, opt: Optimizer, batch: Batch, lr: number, probe: boolean): Promise<StepResult> {
  const values = trainStep(model, facts, opt, batch, lr, probe);
  const v = (await values.data()) as Float32Array;
  values.dispose();
  const accuracy = v[1] ?? NaN;
  const loss = Number.isFinite(v[2]) ? (v[0] ?? NaN) : NaN;
  if (!probe) return { loss, accuracy, probe: null };
  const plan = model.plan;
  let at = 3;
  const residuals = plan.residuals.map((r) => ({ nodeId: r.nodeId, shortcut: r.shortcut, branch: r.branch, ratio: finite(v[at++]) }));
  const activations = plan.relus.map((id) => ({ nodeId: id, deadFraction: finite(v[at++]) }));
  const ids = [...model.nodeVars.keys()];
  const gradStart = at;
  const weightStart = at + ids.length;
  const nodes = ids.map((nodeId, i) => ({ nodeId, gradNorm: finite(v[gradStart + i]), weightNorm: finite(v[weightStart + i]) }));
  return { loss, accuracy, probe: { nodes, residuals, activations } };
}

interface EvalResult {
  loss: number;
  accuracy: number;
  examples: number;
  confusion: Int32Array;
  samples: SamplePrediction[];
}

/** The probability of the predicted class (per example, or per pixel for segmentation). */
function confidences(facts: GraphFacts, p: tf.Tensor): tf.Tensor {
  if (!facts.binary) return tf.max(p, -1);
  const q = tf.squeeze(p, [-1]);
  return tf.maximum(q, tf.sub(1, q));
}

/**
 * Loss, accuracy and confusion over a split; with `samples`, also the first `samples` examples
 * with the model's prediction (the final evaluation's sample predictions).
 */
async function evaluate(
  model: Model,
  facts: GraphFacts,
  split: Split,
  batchSize: number,
  control: RunControl,
  samples?: { max: number; normalization: Normalization | undefined },
): Promise<EvalResult | null> {
  const kept: SamplePrediction[] = [];
  const k = facts.datasetClasses;
  const confusion = new Int32Array(k * k);
  let lossSum = 0;
  let examples = 0;
  let correct = 0;
  let counted = 0;
  for await (const b of split.batches({ batchSize })) {
    if (!(await control.gate())) return null;
    const wantSamples = samples !== undefined && kept.length < samples.max;
    const [lossT, predT, confT] = tf.tidy(() => {
      const xs = tf.tensor4d(b.x, b.xShape);
      const labels = tf.tensor(b.labels, b.labelShape, 'int32');
      const out = model.compiled.model.apply(xs, { training: false });
      const outs = Array.isArray(out) ? out : [out];
      const losses = facts.heads.map((_, i) => headLoss(facts, outs[i] as tf.Tensor, labels));
      const head = outs[0] as tf.Tensor;
      return [losses.length === 1 ? (losses[0] as tf.Tensor) : tf.addN(losses), predictions(facts, head), wantSamples ? confidences(facts, head) : tf.zeros([0])];
    });
    const [lv, pv, cv] = await Promise.all([lossT.data(), predT.data(), confT.data()]);
    tf.dispose([lossT, predT, confT]);
    if (samples !== undefined && wantSamples) {
      collectSamples(kept, { x: b.x, xShape: b.xShape, labels: b.labels, predicted: pv, confidence: cv, size: b.size }, examples, facts.task, samples.normalization, samples.max);
    }
    lossSum += (lv[0] ?? NaN) * b.size;
    examples += b.size;
    for (let i = 0; i < b.labels.length; i++) {
      const t = b.labels[i] as number;
      const p = pv[i] as number;
      if (t >= 0 && t < k && p >= 0 && p < k) confusion[t * k + p] = (confusion[t * k + p] ?? 0) + 1;
      if (t === p) correct++;
      counted++;
    }
  }
  return { loss: examples > 0 ? lossSum / examples : NaN, accuracy: counted > 0 ? correct / counted : NaN, examples, confusion, samples: kept };
}

function evaluation(r: EvalResult, facts: GraphFacts, split: 'test' | 'validation', classNames: readonly string[]): Omit<Evaluation, never> {
  const k = facts.datasetClasses;
  const rows = Array.from({ length: k }, (_, t) => Array.from(r.confusion.subarray(t * k, (t + 1) * k)));
  const perClassAccuracy = rows.map((row, t) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n === 0 ? null : (row[t] ?? 0) / n;
  });
  const names = Array.from({ length: k }, (_, i) => classNames[i] ?? `class ${i}`);
  const base: Evaluation = { split, task: facts.task, examples: r.examples, loss: finite(r.loss), accuracy: finite(r.accuracy), classNames: names, perClassAccuracy, confusion: rows, samples: r.samples };
  if (facts.task !== 'segmentation') return base;
  const iou = rows.map((row, c) => {
    const tp = row[c] ?? 0;
    const fn = row.reduce((a, b) => a + b, 0) - tp;
    const fp = rows.reduce((a, rr) => a + (rr[c] ?? 0), 0) - tp;
    return tp + fn + fp === 0 ? null : tp / (tp + fn + fp);
  });
  const present = iou.filter((x): x is number => x !== null);
  return { ...base, iou, meanIou: present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length };
}

/** Runs one training run to its end, posting protocol messages; never throws (failures are `failed` messages). */
export async function runTraining(msg: StartMessage, post: (m: FromWorker, transfer?: ArrayBuffer[]) => void, control: RunControl): Promise<void> {
  const h: ResolvedHyperparameters = msg.hyper;
  let dataset: Dataset | null = null;
  let opt: Optimizer | null = null;
  try {
    seedMathRandom(hashInts(h.seed, 0x5eed));
    let engine: SelectedEngine;
    try {
      engine = await selectEngine(msg.engine);
    } catch (err) {
      throw new Failure('engine', err instanceof Error ? err.message : String(err));
    }
    post({ type: 'engine', engine: engine.engine, backend: engine.backend, detail: engine.detail, software: engine.software, kernels: [...engine.kernels] });

    const migrated = migrateDocument(msg.document);
    if (!migrated.ok) throw new Failure('graph', `the document cannot be read: ${migrated.error.message}`);
    let compiled: CompiledGraph;
    // Seeded right before the weights are drawn: same seed and engine, same initial weights.
    seedMathRandom(hashInts(h.seed, 0x1417));
    try {
      compiled = compileGraph(tf, migrated.doc);
    } catch (err) {
      if (err instanceof CompileError) throw new Failure('graph', oneLine(err.message));
      throw err;
    }
    let facts: GraphFacts;
    try {
      facts = graphFacts(compiled.analysis);
    } catch (err) {
      if (err instanceof TrainingRefused) throw new Failure('graph', err.message);
      throw err;
    }
    const model = buildModel(compiled, facts);

    try {
      dataset = await openDataset(msg.dataset, {
        seed: h.seed,
        validationFraction: h.validationFraction,
        ...(h.limit !== undefined ? { limit: h.limit } : {}),
        shape: facts.inputShape,
        classes: facts.datasetClasses,
      });
      checkCompatible(facts, dataset.info);
    } catch (err) {
      throw new Failure('dataset', oneLine(err instanceof Error ? err.message : String(err)));
    }
    const info = dataset.info;
    if (info.trainSize === 0) throw new Failure('dataset', `${info.name} has no training examples left after the validation split`);
    const B = h.batchSize;
    // Full batches only once there is one (a last batch of a few examples makes BatchNorm's statistics noise).
    const dropRemainder = info.trainSize >= B;
    const stepsPerEpoch = dropRemainder ? Math.floor(info.trainSize / B) : 1;
    const totalSteps = stepsPerEpoch * h.epochs;

    opt = new Optimizer(h, model.vars);
    let startEpoch = 0;
    let step = 0;
    if (msg.resume !== undefined) {
      let ck;
      try {
        ck = decodeCheckpoint(msg.resume.checkpoint);
      } catch (err) {
        throw new Failure('checkpoint', `the checkpoint cannot be read: ${err instanceof Error ? err.message : String(err)}`);
      }
      restoreWeights(model, ck.weights);
      try {
        opt.restore(ck.optimizerStep, ck.slots);
      } catch (err) {
        throw new Failure('checkpoint', err instanceof Error ? err.message : String(err));
      }
      startEpoch = ck.epoch;
      step = ck.step;
    }
    post({
      type: 'ready',
      datasetName: info.name,
      classNames: [...info.classNames],
      trainSize: info.trainSize,
      validationSize: info.validationSize,
      testSize: info.testSize,
      stepsPerEpoch,
      totalSteps,
      startEpoch,
      startStep: step,
    });

    // Timing for images/s and the ETA (this session's steps only: a resumed run starts afresh).
    let trainSeconds = 0;
    let stepsTimed = 0;
    let valSeconds: number | null = null;
    const evalBatch = Math.max(B, 64);
    const eta = (epochDone: number): number | null => {
      if (stepsTimed === 0) return null;
      const perStep = trainSeconds / stepsTimed;
      const perImage = perStep / B;
      const remainingEpochs = h.epochs - epochDone;
      const val = valSeconds ?? (info.validationSize * perImage) / 3;
      const test = (info.testSize > 0 ? info.testSize : info.validationSize) * (perImage / 3);
      return Math.max(0, (totalSteps - step) * perStep + remainingEpochs * val + test);
    };

    for (let epoch = startEpoch + 1; epoch <= h.epochs; epoch++) {
      seedMathRandom(hashInts(h.seed, 0xe90c, epoch));
      let lossSum = 0;
      let accSum = 0;
      let n = 0;
      let epochSeconds = 0;
      let images = 0;
      let samples: { step: number; loss: number | null; accuracy: number | null; learningRate: number }[] = [];
      let lastPost = 0;
      let lr = learningRateAt(h, stepsPerEpoch, step);
      const batches = dataset.train.batches({ batchSize: B, shuffle: true, seed: hashInts(h.seed, epoch), augment: h.augment, dropRemainder });
      for await (const batch of batches) {
        if (!(await control.gate())) {
          post({ type: 'done', status: 'canceled', epochs: epoch - 1 });
          return;
        }
        lr = learningRateAt(h, stepsPerEpoch, step);
        const t0 = performance.now();
        const probe = (step + 1) % h.probeEvery === 0 || step === 0;
        const r = await runStep(model, facts, opt, batch, lr, probe);
        const dt = (performance.now() - t0) / 1000;
        step++;
        if (!Number.isFinite(r.loss)) {
          const b = step - (epoch - 1) * stepsPerEpoch;
          throw new Failure(
            'nan',
            `the loss became ${Number.isNaN(r.loss) ? 'NaN' : r.loss > 0 ? '+Infinity' : '-Infinity'} (a non-finite network output or loss) at step ${step} (epoch ${epoch}, batch ${b} of ${stepsPerEpoch}) with learning rate ${Number(lr.toPrecision(3))}: training stopped — lower the learning rate or add normalization`,
            step,
          );
        }
        epochSeconds += dt;
        trainSeconds += dt;
        stepsTimed++;
        images += batch.size;
        lossSum += r.loss * batch.size;
        accSum += r.accuracy * batch.size;
        n += batch.size;
        samples.push({ step, loss: finite(r.loss), accuracy: finite(r.accuracy), learningRate: lr });
        if (r.probe !== null) post({ type: 'probe', epoch, step, ...r.probe });
        const now = performance.now();
        const last = step === epoch * stepsPerEpoch;
        if (now - lastPost >= msg.progressMs || last) {
          lastPost = now;
          post({
            type: 'progress',
            epoch,
            epochs: h.epochs,
            step,
            totalSteps,
            stepsPerEpoch,
            loss: finite(r.loss),
            accuracy: finite(r.accuracy),
            learningRate: lr,
            imagesPerSecond: epochSeconds > 0 ? images / epochSeconds : 0,
            etaSeconds: eta(epoch - 1),
            samples,
          });
          samples = [];
        }
      }
      const t1 = performance.now();
      const val = info.validationSize > 0 ? await evaluate(model, facts, dataset.validation, evalBatch, control) : undefined;
      if (val === null) {
        post({ type: 'done', status: 'canceled', epochs: epoch - 1 });
        return;
      }
      if (val !== undefined) valSeconds = (performance.now() - t1) / 1000;
      post({
        type: 'epoch',
        epoch,
        epochs: h.epochs,
        step,
        trainLoss: finite(lossSum / n),
        trainAccuracy: finite(accSum / n),
        valLoss: val === undefined ? null : finite(val.loss),
        valAccuracy: val === undefined ? null : finite(val.accuracy),
        learningRate: lr,
        imagesPerSecond: epochSeconds > 0 ? images / epochSeconds : 0,
        seconds: epochSeconds + (valSeconds ?? 0),
        etaSeconds: eta(epoch),
      });
      const bytes = encodeCheckpoint({ epoch, step, optimizerStep: opt.step, weights: await weightsOf(model), slots: await opt.state() });
      post({ type: 'checkpoint', epoch, step, bytes }, [bytes.buffer as ArrayBuffer]);
    }

    const which = info.testSize > 0 ? 'test' : info.validationSize > 0 ? 'validation' : null;
    if (which !== null) {
      const r = await evaluate(model, facts, which === 'test' ? dataset.test : dataset.validation, evalBatch, control, {
        max: MAX_SAMPLE_PREDICTIONS,
        normalization: info.normalization,
      });
      if (r === null) {
        post({ type: 'done', status: 'canceled', epochs: h.epochs });
        return;
      }
      post({ type: 'evaluation', ...evaluation(r, facts, which, info.classNames) });
    }
    post({ type: 'done', status: 'done', epochs: h.epochs });
  } catch (err) {
    if (err instanceof Failure) post({ type: 'failed', kind: err.kind, error: err.message, ...(err.step !== undefined ? { step: err.step } : {}) });
    else post({ type: 'failed', kind: 'error', error: oneLine(err instanceof Error ? err.message : String(err)) });
  } finally {
    opt?.dispose();
    await dataset?.close().catch(() => undefined);
  }
}
