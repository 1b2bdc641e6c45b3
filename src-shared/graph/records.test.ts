import { describe, expect, it } from 'vitest';
import { copyRecords, getId, hasId, newRecords } from './records.js';

describe('records', () => {
  it('finds own ids only, never Object.prototype members', () => {
    const plain: Record<string, number> = { a: 1 };
    expect(getId(plain, 'a')).toBe(1);
    expect(getId(plain, 'constructor')).toBeUndefined();
    expect(getId(plain, 'toString')).toBeUndefined();
    expect(hasId(plain, '__proto__')).toBe(false);
  });

  it('builds prototype-free records where "__proto__" is an ordinary key', () => {
    const r = newRecords<number>();
    r.__proto__ = 3;
    expect(Object.getPrototypeOf(r)).toBeNull();
    expect(Object.keys(r)).toEqual(['__proto__']);
    const copy = copyRecords(r);
    expect(getId(copy, '__proto__')).toBe(3);
    expect(copy).not.toBe(r);
    expect(copyRecords({ b: 2, a: 1 })).toEqual({ a: 1, b: 2 });
  });
});
