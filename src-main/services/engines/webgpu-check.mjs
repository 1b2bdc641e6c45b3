// Child process for webgpu.test.ts (plain JS: it needs its own environment, since the Vulkan loader
// path LD_LIBRARY_PATH is read only when a process starts). Trains a tiny conv net with a skip
// connection for a few SGD steps on the WebGPU backend (Dawn) and on the cpu backend, from the same
// initial weights and data, and prints one JSON line: the adapter and both loss curves.
import * as tf from '@tensorflow/tfjs';
import { create, globals } from 'webgpu';

const STEPS = Number(process.env.SKIPWIRE_WEBGPU_STEPS ?? 4);

function values(shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

const SHAPES = { c1: [3, 3, 2, 4], b1: [4], c2: [3, 3, 4, 4], b2: [4], d: [4, 3], db: [3] };
const X = values([4, 8, 8, 2], 1);
const LABELS = [0, 1, 2, 1];

async function train(backend) {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialize`);
  await tf.ready();
  const w = {};
  let seed = 10;
  for (const [k, shape] of Object.entries(SHAPES)) w[k] = tf.variable(tf.tensor(values(shape, seed++).map((v) => v * 0.5), shape), true, `${backend}_${k}`);
  const x = tf.tensor4d(X, [4, 8, 8, 2]);
  const y = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 3);
  const opt = tf.train.sgd(0.5);
  const losses = [];
  for (let i = 0; i < STEPS; i++) {
    const loss = opt.minimize(() => {
      const h = tf.relu(tf.add(tf.conv2d(x, w.c1, 1, 'same'), w.b1));
      const r = tf.add(tf.conv2d(h, w.c2, 1, 'same'), w.b2);
      const s = tf.relu(tf.add(h, r)); // the skip connection
      const logits = tf.add(tf.matMul(tf.mean(s, [1, 2]), w.d), w.db);
      return tf.losses.softmaxCrossEntropy(y, logits);
    }, true);
    losses.push((await loss.data())[0]);
    loss.dispose();
  }
  return losses;
}

const gpu = create([]);
globalThis.navigator = { gpu };
Object.assign(globalThis, globals);
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (adapter === null) {
  process.stdout.write(JSON.stringify({ adapter: null }) + '\n');
  process.exit(0);
}
const info = adapter.info;
await import('@tensorflow/tfjs-backend-webgpu');
const t0 = performance.now();
const webgpu = await train('webgpu');
const webgpuMs = performance.now() - t0;
const cpu = await train('cpu');
process.stdout.write(
  JSON.stringify({
    adapter: { description: info.description, vendor: info.vendor, architecture: info.architecture, device: info.device, isFallbackAdapter: info.isFallbackAdapter },
    webgpu,
    cpu,
    webgpuMs: Math.round(webgpuMs),
  }) + '\n',
);
process.exit(0);
