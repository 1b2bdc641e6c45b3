import { visibleOwner } from '../graph/blocks.js';
import { describe, expect, it } from 'vitest';
import { GraphDocument } from '../graph/document.js';
import { checkIntegrity } from '../graph/integrity.js';
import { migrateDocument } from '../graph/migrations.js';
import { generateTemplate, getTemplate, templateDefaults, templateDefs, templateIds, templateOptions, type AnyTemplateDef } from './registry.js';
import { generated } from './test-helpers.js';

/** Several option sets per family (small where the family allows, to keep the suite fast). */
const VARIANTS: Readonly<Record<string, readonly Record<string, unknown>[]>> = {
  plain: [{}, { depth: 32 }, { depth: 44, width: 8, inputHeight: 28, inputWidth: 28, inputChannels: 1, classes: 100 }],
  resnet: [{}, { depth: 32, downsample: 'B' }, { depth: 44, shortcut: 'gate' }, { shortcut: 'dropout', downsample: 'B' }, { shortcut: 'scale', inputHeight: 17, inputWidth: 23 }],
  'preact-resnet': [{}, { depth: 20, block: 'basic' }, { depth: 29, width: 8 }],
  wrn: [{}, { depth: 16, width: 4, dropout: 0.3 }, { depth: 10, width: 1, classes: 100 }],
  resnext: [{}, { form: 'a', cardinality: 2 }, { form: 'b', depth: 20, cardinality: 4, width: 4 }, { cardinality: 1, form: 'a', depth: 11 }],
  'densenet-bc': [{}, { depth: 40, growth: 8 }, { depth: 40, bottleneck: false, compression: 1 }, { depth: 52, compression: 0.7 }],
  unet: [{}, { padding: 'same', inputHeight: 64, inputWidth: 64, depth: 2 }, { depth: 5, inputHeight: 636, inputWidth: 636, width: 8 }],
  fcn: [{}, { variant: '32s' }, { variant: '16s', inputHeight: 64, inputWidth: 64, width: 8, fcWidth: 32 }],
};

describe('template registry', () => {
  it('one template per family, ids = family names, each with a paper-naming description', () => {
    expect(templateIds).toEqual(['plain', 'resnet', 'preact-resnet', 'wrn', 'resnext', 'densenet-bc', 'unet', 'fcn']);
    for (const t of templateDefs) {
      expect(t.family).toBe(t.id);
      expect(getTemplate(t.id)).toBe(t);
      expect(t.description).toMatch(/\d{4}/);
      expect(Object.keys(VARIANTS)).toContain(t.id);
    }
    expect(getTemplate('vgg')).toBeUndefined();
  });

  it.each(templateDefs.map((t) => [t.id, t] as const))('%s: defaults parse and every option has a labelled ui entry', (_id, t: AnyTemplateDef) => {
    const defaults = templateDefaults(t);
    expect(Object.keys(t.ui).sort()).toEqual(Object.keys(defaults).sort());
    for (const o of templateOptions(t)) {
      expect(o.label.length).toBeGreaterThan(0);
      expect(o.default).toBe(defaults[o.key]);
      if (o.type === 'enum') expect(o.values).toContain(o.default);
    }
    for (const key of ['inputHeight', 'inputWidth', 'inputChannels', 'classes']) expect(defaults).toHaveProperty(key);
  });

  describe.each(Object.entries(VARIANTS))('%s', (id, variants) => {
    it.each(variants.map((o) => [JSON.stringify(o), o] as const))('%s validates with no errors or warnings and is an ordinary document', (_s, options) => {
      const g = generated(id, options);
      expect(g.problems).toEqual([]);
      const doc = g.doc;
      expect(GraphDocument.safeParse(doc).success).toBe(true);
      expect(checkIntegrity(doc)).toEqual([]);
      const reread = migrateDocument(JSON.parse(JSON.stringify(doc)));
      expect(reread.ok).toBe(true);
      // meta.template records the template and every option, defaults filled in
      expect(doc.meta.template?.id).toBe(id);
      expect(doc.meta.template?.options).toMatchObject(options);
      expect(Object.keys(doc.meta.template?.options ?? {}).sort()).toEqual(Object.keys(getTemplate(id)?.ui ?? {}).sort());
      // readable labels, one Input, a head; it opens as its blocks, collapsed: what is drawn (a
      // layer outside them or a block) runs left to right without overlaps, a block's members at its spot
      const nodes = Object.values(doc.nodes);
      expect(nodes.filter((n) => n.kind === 'Input')).toHaveLength(1);
      for (const n of nodes) expect(n.label).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(Object.values(doc.groups).every((g2) => g2.collapsed)).toBe(true);
      const drawn = (id: string): string => {
        const o = visibleOwner(doc, id);
        return `${o.kind}:${o.id}`;
      };
      for (const e of Object.values(doc.edges)) {
        if (drawn(e.source) !== drawn(e.target)) expect(doc.nodes[e.source]?.position.x ?? 0).toBeLessThan(doc.nodes[e.target]?.position.x ?? 0);
        else expect(doc.nodes[e.source]?.position).toEqual(doc.nodes[e.target]?.position);
      }
      expect(new Set(nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(new Set(nodes.map((n) => drawn(n.id))).size);
      // every block has members (a node or a child block)
      for (const g2 of Object.values(doc.groups)) {
        expect(nodes.some((n) => n.group === g2.id) || Object.values(doc.groups).some((c) => c.parent === g2.id)).toBe(true);
      }
      expect(doc.input).toEqual({ height: (options['inputHeight'] as number | undefined) ?? doc.input.height, width: (options['inputWidth'] as number | undefined) ?? doc.input.width, channels: (options['inputChannels'] as number | undefined) ?? doc.input.channels });
    });
  });

  it('is deterministic', () => {
    const a = generateTemplate('densenet-bc', { depth: 40 });
    const b = generateTemplate('densenet-bc', { depth: 40 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('refuses unknown templates, unknown options and bad values with one located line', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['vgg', {}, /unknown template "vgg" \(templates: plain, resnet/],
      ['resnet', { growth: 12 }, /template "resnet" has no option "growth" \(options: depth, width/],
      ['resnet', { depth: 'deep' }, /template "resnet": depth: .*number/],
      ['resnet', { shortcut: 'wormhole' }, /shortcut/],
      ['wrn', { width: 0 }, /width/],
      ['unet', { inputHeight: 500 }, /input height 500/],
    ];
    for (const [id, options, message] of cases) {
      const r = generateTemplate(id, options);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.message).toMatch(message);
        expect(r.error.message).not.toMatch(/\n/);
      }
    }
  });
});
