import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bytesOf, packFiles } from './deliver.js';

const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

describe('export downloads', () => {
  it('one file downloads as itself; base64 files are their bytes', () => {
    const one = packFiles('net-onnx', [{ name: 'net.onnx', content: base64(Uint8Array.from([8, 0, 255])), encoding: 'base64' }]);
    expect(one.name).toBe('net.onnx');
    expect([...one.bytes]).toEqual([8, 0, 255]);
    expect([...bytesOf({ name: 'a.ts', content: 'é', encoding: 'utf8' })]).toEqual([0xc3, 0xa9]);
  });

  it('several download as one zip holding a folder of them, byte for byte', () => {
    const weights = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) % 256);
    const z = packFiles('resnet-8-pytorch', [
      { name: 'resnet_8.py', content: 'class ResNet8(nn.Module):\n    pass\n', encoding: 'utf8' },
      { name: 'resnet_8.safetensors', content: base64(weights), encoding: 'base64' },
      { name: 'train_ddp.py', content: 'import torch\n', encoding: 'utf8' },
    ]);
    expect(z.name).toBe('resnet-8-pytorch.zip');
    expect(z.type).toBe('application/zip');
    const files = unzipSync(z.bytes);
    expect(Object.keys(files).sort()).toEqual(['resnet-8-pytorch/resnet_8.py', 'resnet-8-pytorch/resnet_8.safetensors', 'resnet-8-pytorch/train_ddp.py']);
    expect(new TextDecoder().decode(files['resnet-8-pytorch/resnet_8.py'])).toBe('class ResNet8(nn.Module):\n    pass\n');
    expect([...(files['resnet-8-pytorch/resnet_8.safetensors'] ?? [])]).toEqual([...weights]);
  });
});
