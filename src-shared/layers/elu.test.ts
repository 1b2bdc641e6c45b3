import { describe, expect, it } from 'vitest';
import { elu } from './elu.js';

describe('ELU', () => {
  const ctx = { input: { height: 4, width: 4, channels: 3 } };
  it('keeps the shape with alpha 1', () => {
    expect(elu.inferShape([[4, 4, 3]], { alpha: 1 }, ctx)).toEqual({ ok: true, shape: [4, 4, 3] });
  });
  it('reports another alpha as an error instead of failing when tfjs builds it', () => {
    const r = elu.inferShape([[4, 4, 3]], { alpha: 0.5 }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue.message).toMatch(/alpha 0\.5 is not supported/);
  });
});
