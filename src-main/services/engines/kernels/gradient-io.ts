import { getGradient, registerGradient } from '@tensorflow/tfjs';
import type { GradConfig } from '@tensorflow/tfjs';

/**
 * Gradients in tfjs are registered per kernel name for every backend at once. The project's
 * replacements take the shipped gradient as an argument and fall back to it wherever their fast
 * path does not apply (another backend, another shape), so that other engines (WebGPU, native)
 * keep tfjs's own behaviour exactly.
 */
const originals = new Map<string, GradConfig>();

/** Registers `make(shipped)` as the gradient of `kernelName`, remembering the shipped one. Idempotent. */
export function replaceGradient(kernelName: string, make: (original: GradConfig) => GradConfig): void {
  let original = originals.get(kernelName);
  if (original === undefined) {
    const shipped = getGradient(kernelName) as GradConfig | undefined;
    if (shipped === undefined) throw new Error(`tfjs has no gradient for '${kernelName}' to replace`);
    original = shipped;
    originals.set(kernelName, original);
  }
  registerGradient(make(original));
}

/** Puts tfjs's own gradient back (tests compare against it). */
export function restoreGradient(kernelName: string): void {
  const original = originals.get(kernelName);
  if (original === undefined) return;
  registerGradient(original);
  originals.delete(kernelName);
}
