import { describe, expect, it } from 'vitest';
import { commentText, docstringText, fileStem, NameScope, pyClassName, pyModuleName } from './names.js';
import { numLit, pyString, tsString } from '../layers/lib/code.js';

describe('generated names', () => {
  it('makes identifiers from labels: unique, never keywords or the generator’s own names', () => {
    const ts = new NameScope('ts', ['apply']);
    expect(ts.claim('conv 1')).toBe('conv_1');
    expect(ts.claim('conv-1')).toBe('conv_1_2');
    expect(ts.claim('return')).toBe('return_');
    expect(ts.claim('apply')).toBe('apply_2');
    expect(ts.claim('1st')).toBe('n_1st');
    expect(ts.claim('x"); process.exit(1); ("')).toBe('x_process_exit_1');
    expect(ts.claim('🚀')).toBe('layer');
    const py = new NameScope('py');
    for (const bad of ['self', 'forward', 'training', 'input', 'lambda', 'None', 'logits']) expect(py.claim(bad)).toBe(`${bad}_`);
  });

  it('keeps comments on one line, without comment terminators', () => {
    expect(commentText('a\nb\r\nc\u2028d */ e')).toBe('a b c d * / e');
    expect(docstringText('say """hi""" \\ there')).toBe('say \\"\\"\\"hi\\"\\"\\" \\\\ there');
  });

  it('file and class names', () => {
    expect(fileStem('ResNet-20 (option B)')).toBe('resnet-20-option-b');
    expect(fileStem('')).toBe('model');
    expect(pyClassName('ResNet-20 (option B)')).toBe('ResNet20OptionB');
    expect(pyClassName('3 heads')).toBe('Net3Heads');
  });

  it('Python module names are never keywords, imported modules or digit-led (a network named "import" broke train_ddp.py)', () => {
    expect(pyModuleName('ResNet-20')).toBe('resnet_20');
    expect(pyModuleName('import')).toBe('model_import');
    expect(pyModuleName('class')).toBe('model_class');
    expect(pyModuleName('Math')).toBe('model_math');
    expect(pyModuleName('time')).toBe('model_time');
    expect(pyModuleName('train ddp')).toBe('model_train_ddp');
    expect(pyModuleName('56 layers')).toBe('model_56_layers');
    expect(pyModuleName('')).toBe('model');
  });

  it('string literals read back exactly, whatever the text', () => {
    for (const s of ["it's", 'back\\slash', 'new\nline', '\u2028\u2029', '${x}`', 'é🚀', '\u0000\u007f']) {
      expect(new Function(`return ${tsString(s)};`)()).toBe(s);
      expect(pyString(s)).not.toMatch(/[\n\r\u2028\u2029]/);
    }
    expect(numLit(1e-5)).toBe('0.00001');
    expect(numLit(-0)).toBe('0');
    expect(numLit(1e-7)).toBe('1e-7');
    expect(() => numLit(Number.NaN)).toThrow();
  });
});
