import type { Shape } from '../../src-shared/layers/types.js';

/** A tensor shape as the canvas prints it: `32×32×64`, `10`; `?` when unknown. */
export function formatShape(shape: Shape | null | undefined): string {
  if (shape === null || shape === undefined) return '?';
  return shape.length === 0 ? 'scalar' : shape.join('×');
}
