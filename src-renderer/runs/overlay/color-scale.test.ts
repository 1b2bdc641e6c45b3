import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RAMP_START, colorFor, decadeTicks, formatDecade, formatNorm, logDomain, ramp, scalePosition } from './color-scale.js';

const rgb = (s: string): number[] => (/rgb\((\d+), (\d+), (\d+)\)/.exec(s) ?? []).slice(1).map(Number);
/** Relative luminance (sRGB, WCAG). */
const luminance = (s: string): number => {
  const [r, g, b] = rgb(s).map((c) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

describe('ramp', () => {
  it('runs from viridis purple to yellow and clamps', () => {
    expect(ramp(0)).toBe('rgb(68, 1, 84)');
    expect(ramp(1)).toBe('rgb(253, 231, 37)');
    expect(ramp(-3)).toBe(ramp(0));
    expect(ramp(7)).toBe(ramp(1));
    expect(ramp(Number.NaN)).toBe(ramp(0));
  });
  it('grows lighter monotonically (a perceptual ramp reads in both themes)', () => {
    let prev = -1;
    for (let i = 0; i <= 40; i++) {
      const l = luminance(ramp(i / 40));
      expect(l).toBeGreaterThan(prev);
      prev = l;
    }
  });
});

describe('logDomain', () => {
  it('spans log10 of the positive finite values, ignoring 0, NaN, null and negatives', () => {
    expect(logDomain([1e-3, 0.1, 10, 0, -1, Number.NaN, null, undefined, Infinity])).toEqual({ lo: -3, hi: 1 });
  });
  it('is null without a usable value', () => {
    expect(logDomain([0, null, Number.NaN])).toBeNull();
    expect(logDomain([])).toBeNull();
  });
  it('widens a narrow range to half a decade around its middle', () => {
    const d = logDomain([1, 1]);
    expect(d?.lo).toBeCloseTo(-0.25);
    expect(d?.hi).toBeCloseTo(0.25);
  });
});

describe('scale', () => {
  const d = { lo: -3, hi: 1 };
  it('places values on a log scale and colours the ends of the ramp', () => {
    expect(scalePosition(1e-3, d)).toBe(0);
    expect(scalePosition(10, d)).toBe(1);
    expect(scalePosition(0.1, d)).toBeCloseTo(0.5);
    expect(scalePosition(1e-9, d)).toBe(0);
    expect(scalePosition(0, d)).toBeNull();
    expect(colorFor(10, d)).toBe(ramp(1));
    expect(colorFor(1e-3, d)).toBe(ramp(RAMP_START));
    expect(colorFor(null, d)).toBeNull();
  });
  it('orders colours as it orders values (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), fc.double({ min: 1e-6, max: 1e3, noNaN: true }), (a, b) => {
        const dom = { lo: -6, hi: 3 };
        const [x, y] = a <= b ? [a, b] : [b, a];
        // Channels are rounded to 8 bits one by one: where viridis trades red or blue for green, two
        // nearly equal values can come out one channel step apart the "wrong" way (seen: 1.7e-4).
        // One 8-bit step of red or blue (the channels that fall while green rises) moves luminance by
        // at most 1.9e-3; a real reversal of the ramp would be larger.
        expect(luminance(colorFor(x, dom) ?? '')).toBeLessThanOrEqual(luminance(colorFor(y, dom) ?? '') + 2e-3);
      }),
    );
  });
  it('ticks at whole decades inside the range', () => {
    expect(decadeTicks({ lo: -3.4, hi: 0.2 })).toEqual([-3, -2, -1, 0]);
    expect(decadeTicks({ lo: -0.3, hi: -0.1 })).toEqual([]);
    expect([-4, -2, -1, 0, 2, 3].map(formatDecade)).toEqual(['1e-4', '0.01', '0.1', '1', '100', '1e3']);
  });
  it('formats norms with 3 significant digits', () => {
    expect(formatNorm(0.012345)).toBe('0.0123');
    expect(formatNorm(123.456)).toBe('123');
    expect(formatNorm(0.00012345)).toBe('1.23e-4');
    expect(formatNorm(12345)).toBe('1.23e4');
    expect(formatNorm(0)).toBe('0');
    expect(formatNorm(null)).toBe('—');
    expect(formatNorm(Number.NaN)).toBe('—');
  });
});
