/** Convolution configurations the conv-gradient tests sweep (tiny, but covering the awkward cases). */
export interface ConvCase {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number | [number, number];
  pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
}

export const CONV_CASES: ConvCase[] = [
  { n: 2, h: 8, w: 8, cin: 3, cout: 4, kh: 3, kw: 3, stride: 1, pad: 'same' },
  { n: 1, h: 8, w: 8, cin: 4, cout: 5, kh: 3, kw: 3, stride: 2, pad: 'same' },
  { n: 3, h: 7, w: 9, cin: 2, cout: 3, kh: 3, kw: 3, stride: 2, pad: 'same' },
  { n: 2, h: 7, w: 7, cin: 3, cout: 2, kh: 3, kw: 3, stride: 1, pad: 'valid' },
  { n: 2, h: 8, w: 9, cin: 3, cout: 4, kh: 3, kw: 3, stride: 2, pad: 'valid' },
  { n: 1, h: 10, w: 10, cin: 2, cout: 3, kh: 5, kw: 5, stride: 3, pad: 'valid' },
  { n: 2, h: 8, w: 8, cin: 4, cout: 6, kh: 1, kw: 1, stride: 2, pad: 'valid' },
  { n: 2, h: 8, w: 8, cin: 4, cout: 6, kh: 1, kw: 1, stride: 1, pad: 'same' },
  { n: 1, h: 6, w: 8, cin: 3, cout: 2, kh: 3, kw: 1, stride: [1, 2], pad: 'same' },
  { n: 2, h: 6, w: 6, cin: 2, cout: 3, kh: 2, kw: 2, stride: 1, pad: 'same' },
  { n: 2, h: 9, w: 9, cin: 2, cout: 2, kh: 4, kw: 4, stride: 2, pad: 'same' },
  { n: 1, h: 6, w: 7, cin: 3, cout: 4, kh: 3, kw: 3, stride: 1, pad: 2 },
  { n: 2, h: 6, w: 6, cin: 2, cout: 3, kh: 3, kw: 3, stride: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { n: 4, h: 16, w: 16, cin: 8, cout: 8, kh: 3, kw: 3, stride: 1, pad: 'same' },
  // Output channels a multiple of 4 or 8 (the SIMD loops' register blocks), input channels with
  // and without a remainder of 4, chunks of several output rows.
  { n: 2, h: 7, w: 9, cin: 6, cout: 8, kh: 3, kw: 3, stride: 2, pad: 'same' },
  { n: 2, h: 8, w: 9, cin: 5, cout: 12, kh: 3, kw: 3, stride: 2, pad: 'valid' },
  { n: 1, h: 10, w: 10, cin: 4, cout: 4, kh: 5, kw: 5, stride: 3, pad: 'valid' },
  { n: 2, h: 6, w: 6, cin: 9, cout: 16, kh: 3, kw: 3, stride: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { n: 1, h: 6, w: 7, cin: 3, cout: 8, kh: 3, kw: 3, stride: 1, pad: 1 },
  { n: 3, h: 5, w: 5, cin: 16, cout: 16, kh: 1, kw: 1, stride: 2, pad: 'valid' },
  { n: 4, h: 16, w: 16, cin: 16, cout: 32, kh: 3, kw: 3, stride: 1, pad: 'same' },
  { n: 2, h: 5, w: 3, cin: 8, cout: 4, kh: 3, kw: 3, stride: 1, pad: 'same' },
  // Input channels a multiple of 4 with strides: the input gradient's phase convolutions.
  { n: 3, h: 16, w: 16, cin: 8, cout: 16, kh: 3, kw: 3, stride: 2, pad: 'same' }, // ResNet downsampling
  { n: 2, h: 9, w: 7, cin: 4, cout: 8, kh: 3, kw: 3, stride: 2, pad: 'same' }, // odd sizes
  { n: 2, h: 8, w: 9, cin: 12, cout: 4, kh: 4, kw: 4, stride: 2, pad: 'same' },
  { n: 1, h: 10, w: 11, cin: 4, cout: 4, kh: 3, kw: 3, stride: 3, pad: 'same' },
  { n: 2, h: 8, w: 8, cin: 8, cout: 8, kh: 2, kw: 2, stride: 2, pad: 'valid' },
  { n: 2, h: 9, w: 8, cin: 4, cout: 6, kh: 3, kw: 2, stride: [2, 1], pad: 'same' },
  { n: 2, h: 7, w: 7, cin: 8, cout: 4, kh: 3, kw: 3, stride: 2, pad: [[0, 0], [2, 0], [0, 2], [0, 0]] },
  { n: 1, h: 9, w: 9, cin: 4, cout: 4, kh: 1, kw: 3, stride: 3, pad: 'valid' }, // rows no tap reaches
];

export function describeConv(c: ConvCase): string {
  const pad = typeof c.pad === 'object' ? `explicit${JSON.stringify(c.pad.slice(1, 3))}` : String(c.pad);
  return `x ${c.n}x${c.h}x${c.w}x${c.cin}, k ${c.kh}x${c.kw}x${c.cout}, stride ${JSON.stringify(c.stride)}, pad ${pad}`;
}
