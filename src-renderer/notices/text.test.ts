import { describe, expect, it } from 'vitest';
import { looksBinary, noticeLifetime, readableText } from './text.js';

describe('readableText', () => {
  it('keeps ordinary messages whole, line breaks included', () => {
    const m = 'Cannot connect: "conv2" [16,16,32] vs [32,32,16] from "block1_out"\nfix: insert a 1×1 projection';
    expect(readableText(m)).toBe(m);
  });
  it('turns control bytes into spaces and undecodable bytes into an ellipsis', () => {
    expect(readableText('Unexpected token \u0000\u0001\u0002 in \uFFFD\uFFFD\uFFFDPNG')).toBe('Unexpected token in …PNG');
  });
  it('cuts a very long message with an ellipsis', () => {
    const r = readableText('x'.repeat(5000));
    expect(r).toHaveLength(1200);
    expect(r.endsWith('…')).toBe(true);
  });
});

describe('looksBinary', () => {
  it('says so for a NUL or many undecodable bytes, not for text in any language', () => {
    expect(looksBinary('PK\u0003\u0004\u0000\u0000garbage')).toBe(true);
    expect(looksBinary(`\uFFFDPNG\r\n\u001a\n${'\uFFFD'.repeat(40)}IHDR${'a'.repeat(100)}`)).toBe(true);
    expect(looksBinary('{ "schemaVersion": 1, "meta": { "name": "Réseau — 残差" } }\r\n\t')).toBe(false);
    expect(looksBinary('')).toBe(false);
  });
});

describe('noticeLifetime', () => {
  it('clears finished-work messages by themselves; refusals and errors stay until dismissed', () => {
    expect(noticeLifetime('info', false)).toBe(6_000);
    expect(noticeLifetime('info', true)).toBeGreaterThan(6_000);
    expect(noticeLifetime('warning', false)).toBeNull();
    expect(noticeLifetime('error', true)).toBeNull();
  });
});
