import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { ExportFile } from '../../../src-shared/codegen/index.js';
import { isBinary } from '../../../src-shared/codegen/index.js';

/**
 * Test support for the export checks: a scratch folder inside the repository (so generated code
 * resolves '@tensorflow/tfjs' from node_modules), tsc, transpile-and-import, and Debian's PyTorch.
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A fresh folder under node_modules/.cache (ignored by git, inside the repo); removed by `cleanup`. */
export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const base = join(REPO_ROOT, 'node_modules', '.cache', 'skipwire-export-tests');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeFiles(dir: string, files: readonly ExportFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), isBinary(f) ? f.bytes : f.content);
}

/** The strictness the generated code must pass: the repo's own settings plus no unused names. */
export const STRICT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022'],
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    noEmit: true,
  },
};

/** Runs tsc on a folder's .ts files with STRICT_TSCONFIG; returns its output ('' when clean). */
export function typecheck(dir: string, include: readonly string[] = ['**/*.ts']): { ok: boolean; output: string } {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...STRICT_TSCONFIG, include }, null, 2));
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** Transpiles the .ts files of a folder to .js next to them (ES modules) and imports `entry`. */
export async function transpileAndImport<T>(dir: string, entry: string): Promise<T> {
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.ts')) continue;
    const out = ts.transpileModule(readFileSync(join(dir, f), 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } });
    writeFileSync(join(dir, f.replace(/\.ts$/, '.js')), out.outputText);
  }
  return (await import(pathToFileURL(join(dir, entry.replace(/\.ts$/, '.js'))).href)) as T;
}

/** Debian's python3 with PyTorch (/usr/bin/python3), or why it cannot be used. */
export function torchPython(): { ok: true; python: string } | { ok: false; reason: string } {
  const python = process.env.SKIPWIRE_TORCH_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python)) return { ok: false, reason: `${python} does not exist (apt-get install python3-torch)` };
  const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, reason: `${python} cannot import torch (apt-get install python3-torch): ${(r.stderr || '').trim().split('\n').pop() ?? ''}` };
  return { ok: true, python };
}

/** Runs a Python script (stdin) in `cwd`; returns stdout, throwing with stderr on failure. */
export function runPython(python: string, script: string, cwd: string, args: readonly string[] = [], timeoutMs = 120_000): string {
  const r = spawnSync(python, ['-', ...args], { cwd, input: script, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.status !== 0) throw new Error(`python failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}
