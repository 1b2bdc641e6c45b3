import { describe, expect, it } from 'vitest';
import { whenText } from './when.js';

describe('whenText', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  it('says how long ago, coarsening with age', () => {
    expect(whenText(now - 10_000, now)).toBe('just now');
    expect(whenText(now + 5_000, now)).toBe('just now');
    expect(whenText(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(whenText(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(whenText(now - 26 * 3_600_000, now)).toBe('yesterday');
    expect(whenText(now - 3 * 86_400_000, now)).toBe('3 days ago');
    expect(whenText(now - 30 * 86_400_000, now)).toBe(new Date(now - 30 * 86_400_000).toLocaleDateString());
  });
});
