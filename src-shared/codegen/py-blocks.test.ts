import { describe, expect, it } from 'vitest';
import { inlineChains, literalName, sequentialElements, skeletonOf, unifyInstances } from './py-blocks.js';

describe('block classes from printed copies', () => {
  it('names a literal by where it stands: a keyword, a constructor’s positional parameter, the call around it', () => {
    const line = 'self.conv1 = nn.Conv2d(16, 32, 3, stride=2, padding=(1, 1), bias=False)';
    expect(literalName(line, line.indexOf('16'))).toBe('in_channels');
    expect(literalName(line, line.indexOf('32'))).toBe('out_channels');
    expect(literalName(line, line.indexOf(' 3,') + 1)).toBe('kernel_size');
    expect(literalName(line, line.indexOf('=2') + 1)).toBe('stride');
    expect(literalName(line, line.indexOf('(1, 1)') + 1)).toBe('padding');
    const pad = 'pad = F.pad(sub, (0, 0, 0, 0, 8, 8))';
    expect(literalName(pad, pad.indexOf('8'))).toBe('pad');
  });

  it('copies that differ only in numbers share a skeleton; the numbers that vary become constructor parameters, equal columns one parameter', () => {
    const copy = (cin: number, cout: number, pad: number) => ({
      init: [`self.conv1 = nn.Conv2d(${cin}, ${cout}, 3, stride=2, bias=False)`, `self.bn1 = nn.BatchNorm2d(${cout}, eps=0.00001, momentum=0.1)`],
      forward: ['conv1 = self.conv1(x)', `pad = F.pad(x, (0, 0, 0, 0, ${pad}, ${pad}))`, 'return self.bn1(conv1) + pad'],
    });
    const a = copy(16, 32, 8);
    const b = copy(32, 64, 16);
    expect(skeletonOf(a)).toBe(skeletonOf(b));
    expect(skeletonOf(a)).not.toBe(skeletonOf({ ...a, forward: ['return self.bn1(self.conv1(x))'] }));
    const u = unifyInstances([a, b]);
    expect(u.params).toEqual([
      { name: 'in_channels', values: [16, 32], inForward: false },
      { name: 'out_channels', values: [32, 64], inForward: false },
      { name: 'pad', values: [8, 16], inForward: true },
    ]);
    expect(u.init).toEqual(['self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=2, bias=False)', 'self.bn1 = nn.BatchNorm2d(out_channels, eps=0.00001, momentum=0.1)']);
    expect(u.forward[1]).toBe('pad = F.pad(x, (0, 0, 0, 0, self.pad, self.pad))');
    // a layer that keeps its channels (in = out on one line) reads `channels`
    const keep = (c: number) => ({ init: [`self.conv = nn.Conv2d(${c}, ${c}, 3, padding=1)`], forward: ['return self.conv(x)'] });
    expect(unifyInstances([keep(16), keep(32)]).params.map((p) => p.name)).toEqual(['channels']);
  });

  it('runs of one class become comprehensions where the arguments stay put or step evenly', () => {
    expect(sequentialElements([{ cls: 'Down', args: [16, 32] }, ...Array.from({ length: 4 }, () => ({ cls: 'Block', args: [32] }))])).toEqual(['Down(16, 32)', '*[Block(32) for _ in range(4)]']);
    expect(sequentialElements(Array.from({ length: 16 }, (_, i) => ({ cls: 'DenseLayer', args: [24 + 12 * i, 48] })))).toEqual(['*[DenseLayer(24 + 12 * i, 48) for i in range(16)]']);
    expect(sequentialElements(Array.from({ length: 3 }, (_, i) => ({ cls: 'L', args: [9 - i] })))).toEqual(['*[L(9 - i) for i in range(3)]']);
    // two alike stay two lines; an uneven step breaks the run
    expect(sequentialElements([{ cls: 'B', args: [1] }, { cls: 'B', args: [1] }])).toEqual(['B(1)', 'B(1)']);
    expect(sequentialElements([1, 2, 4].map((v) => ({ cls: 'B', args: [v] })))).toEqual(['B(1)', 'B(2)', 'B(4)']);
  });

  it('folds single-use temporaries into the line that reads them, three layers deep at most, keeping what an operator means', () => {
    expect(inlineChains(['conv1 = self.conv1(x)', 'bn1 = self.bn1(conv1)', 'relu1 = self.relu1(bn1)', 'conv2 = self.conv2(relu1)', 'return conv2'])).toEqual([
      'relu1 = self.relu1(self.bn1(self.conv1(x)))',
      'return self.conv2(relu1)',
    ]);
    // read twice: stays; an operator expression only as a whole value or a sole argument
    expect(inlineChains(['a = self.a(x)', 'b = a + a'])).toEqual(['a = self.a(x)', 'b = a + a']);
    expect(inlineChains(['s = a + b', 'y = s * 2'])).toEqual(['s = a + b', 'y = s * 2']);
    expect(inlineChains(['s = a + b', 'return self.relu(s)'])).toEqual(['return self.relu(a + b)']);
    // a name inside `self.<name>` is not a read of the variable
    expect(inlineChains(['conv = self.c(x)', 'y = self.conv(x) + conv', 'return y'])).toEqual(['conv = self.c(x)', 'return self.conv(x) + conv']);
  });
});
