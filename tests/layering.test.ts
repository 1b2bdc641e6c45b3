import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule (ARCHITECTURE.md principle 6) is enforced by eslint.config.js. These fixtures
 * are linted as if they lived at the path in their first line (`// @path src-shared/x.ts`): every
 * `bad-*` fixture must fail with the layering message, every `ok-*` fixture must pass.
 */
const dir = join(import.meta.dirname, 'fixtures', 'layering');
const eslint = new ESLint({ cwd: join(import.meta.dirname, '..'), ignore: false });

async function lint(file: string): Promise<{ path: string; messages: string[] }> {
  const text = readFileSync(join(dir, file), 'utf8');
  const m = /^\/\/ @path (\S+)/.exec(text);
  if (m === null || m[1] === undefined) throw new Error(`${file} has no // @path line`);
  const [result] = await eslint.lintText(text, { filePath: m[1] });
  return { path: m[1], messages: (result?.messages ?? []).map((x) => `${x.ruleId ?? ''}: ${x.message}`) };
}

const fixtures = readdirSync(dir).filter((f) => f.endsWith('.ts.txt'));

describe('layering rule', () => {
  it('has fixtures for every rule', () => {
    expect(fixtures.filter((f) => f.startsWith('bad-')).length).toBeGreaterThanOrEqual(8);
    expect(fixtures.filter((f) => f.startsWith('ok-')).length).toBeGreaterThanOrEqual(3);
  });

  for (const f of fixtures.filter((x) => x.startsWith('bad-'))) {
    it(`refuses ${f}`, async () => {
      const { messages } = await lint(f);
      expect(messages.some((x) => /layering/.test(x)), messages.join('\n')).toBe(true);
    });
  }

  for (const f of fixtures.filter((x) => x.startsWith('ok-'))) {
    it(`accepts ${f}`, async () => {
      const { messages } = await lint(f);
      expect(messages.filter((x) => /layering|no-restricted/.test(x))).toEqual([]);
    });
  }
});
