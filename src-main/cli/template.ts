import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { costReport, formatCount } from '../../src-shared/graph/cost.js';
import { inferShapes } from '../../src-shared/graph/infer.js';
import { generateTemplate, getTemplate, templateDefs, templateIds, templateOptions, type AnyTemplateDef } from '../../src-shared/templates/registry.js';
import { CliError } from './output.js';
import type { Io } from './output.js';

/** Flags that set one template option each (other options: `-o key=value`). */
const FLAG_OPTIONS = ['depth', 'width', 'cardinality', 'growth', 'shortcut', 'classes'] as const;
const INPUT_KEYS = ['inputHeight', 'inputWidth', 'inputChannels'] as const;

interface TemplateFlags {
  list?: boolean;
  json?: boolean;
  depth?: string;
  width?: string;
  cardinality?: string;
  growth?: string;
  shortcut?: string;
  input?: string;
  classes?: string;
  option: string[];
  out?: string;
}

function wholeNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new CliError(`${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

/** `-o key=value`: numbers and booleans are read as such, anything else is a string. */
function optionValue(raw: string): [string, number | boolean | string] {
  const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(raw);
  if (m === null) throw new CliError(`-o expects key=value, got "${raw}"`);
  const [, key = '', v = ''] = m;
  if (/^-?\d+(\.\d+)?$/.test(v)) return [key, Number(v)];
  if (v === 'true' || v === 'false') return [key, v === 'true'];
  return [key, v];
}

/** The options of a template from the command line, refusing flags the template does not have. */
export function optionsFromFlags(t: AnyTemplateDef, flags: TemplateFlags): Record<string, unknown> {
  const known = Object.keys(t.ui);
  const options: Record<string, unknown> = {};
  const set = (key: string, flag: string, value: unknown): void => {
    if (!known.includes(key)) throw new CliError(`${flag} is not an option of ${t.id} (its options: ${known.join(', ')})`);
    options[key] = value;
  };
  for (const key of FLAG_OPTIONS) {
    const v = flags[key];
    if (v !== undefined) set(key, `--${key}`, key === 'shortcut' ? v : wholeNumber(`--${key}`, v));
  }
  if (flags.input !== undefined) {
    const m = /^(\d+)x(\d+)x(\d+)$/i.exec(flags.input);
    if (m === null) throw new CliError(`--input must be HxWxC, e.g. 32x32x3, got "${flags.input}"`);
    INPUT_KEYS.forEach((key, i) => set(key, '--input', Number(m[i + 1])));
  }
  for (const raw of flags.option) {
    const [key, value] = optionValue(raw);
    set(key, `-o ${key}`, value);
  }
  return options;
}

function flagFor(key: string): string {
  if ((FLAG_OPTIONS as readonly string[]).includes(key)) return `--${key}`;
  return `-o ${key}=`;
}

function listTemplates(io: Io, json: boolean): void {
  if (json) {
    io.out(JSON.stringify({ templates: templateDefs.map((t) => ({ id: t.id, family: t.family, label: t.label, description: t.description, options: templateOptions(t) })) }));
    return;
  }
  for (const t of templateDefs) {
    io.out(`${t.id.padEnd(14)} ${t.label} — ${t.description}`);
    const opts = templateOptions(t);
    const input = opts.filter((o) => (INPUT_KEYS as readonly string[]).includes(o.key)).map((o) => o.default);
    const rows: [string, string][] = [];
    for (const o of opts) {
      if ((INPUT_KEYS as readonly string[]).includes(o.key)) {
        if (o.key === 'inputHeight') rows.push([`--input ${input.join('x')}`, 'Input size H×W×C']);
        continue;
      }
      const flag = flagFor(o.key);
      const values = o.values !== undefined ? ` (${o.values.join(' | ')})` : '';
      rows.push([`${flag}${flag.endsWith('=') ? '' : ' '}${String(o.default)}`, `${o.label}${values}${o.help !== undefined ? ` — ${o.help}` : ''}`]);
    }
    const w = Math.max(...rows.map(([a]) => a.length));
    for (const [a, b] of rows) io.out(`    ${a.padEnd(w)}  ${b}`);
  }
}

export function registerTemplate(program: Command, io: Io): void {
  program
    .command('template')
    .description(`generate a network from a template (${templateIds.join(', ')}) as a document file`)
    .argument('[family]', `one of: ${templateIds.join(', ')}`)
    .option('--list', 'list the templates and their options')
    .option('--json', 'with --list: print one JSON object')
    .option('--depth <n>', 'depth (ResNet 6n+2, pre-act 9n+2, WRN 6n+4, ResNeXt 9n+2, DenseNet-BC 6n+4; U-Net levels)')
    .option('--width <k>', 'width: base filters; WRN widening factor k; ResNeXt bottleneck width d')
    .option('--cardinality <c>', 'ResNeXt cardinality')
    .option('--growth <k>', 'DenseNet growth rate')
    .option('--shortcut <variant>', 'ResNet shortcut: identity|scale|gate|gate-shortcut|conv|dropout')
    .option('--input <HxWxC>', 'input size, e.g. 32x32x3')
    .option('--classes <n>', 'number of classes')
    .option('-o, --option <key=value>', 'any other template option (repeatable), e.g. -o form=a -o downsample=B', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--out <file>', 'where to write the document (- for standard output)')
    .action((family: string | undefined, flags: TemplateFlags) => {
      if (flags.list === true) {
        listTemplates(io, flags.json === true);
        return;
      }
      if (family === undefined) throw new CliError(`which template? skipwire template <family> --out FILE, family one of ${templateIds.join(', ')} (or --list)`);
      const t = getTemplate(family);
      if (t === undefined) throw new CliError(`unknown template "${family}" (templates: ${templateIds.join(', ')})`);
      const options = optionsFromFlags(t, flags);
      if (flags.out === undefined) throw new CliError('--out FILE is required (- for standard output)');
      const r = generateTemplate(family, options);
      if (!r.ok) throw new CliError(r.error.message);
      const text = JSON.stringify(r.doc, null, 2);
      if (flags.out === '-') {
        io.out(text);
        return;
      }
      try {
        writeFileSync(flags.out, text + '\n');
      } catch (err) {
        const why = err instanceof Error && 'code' in err ? String(err.code) : err instanceof Error ? err.message : String(err);
        throw new CliError(`cannot write ${flags.out}: ${why.split('\n')[0] ?? 'failed'}`, 1);
      }
      const totals = costReport(inferShapes(r.doc)).totals;
      io.out(`wrote ${r.doc.meta.name} to ${flags.out}: ${Object.keys(r.doc.nodes).length} nodes, ${formatCount(totals.params)} params, ${formatCount(totals.flops)} FLOPs`);
    });
}
