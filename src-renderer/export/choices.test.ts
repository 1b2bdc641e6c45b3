import { describe, expect, it } from 'vitest';
import { exportService } from '../../src-shared/api/index.js';
import { DEFAULT_OPTIONS, FORMATS, generateRequest, hasTrainOption, optionsFor, runChoices, sourceLine } from './choices.js';

const doc = { schemaVersion: 1, meta: { name: 'n' } };

describe('export dialog choices', () => {
  it('offers the four formats; each sends only the options its generator reads, and every request passes the contract', () => {
    expect(FORMATS.map((f) => f.target)).toEqual(['typescript', 'tfjs-model', 'pytorch', 'onnx']);
    expect(FORMATS.filter((f) => hasTrainOption(f.target)).map((f) => f.target)).toEqual(['typescript', 'pytorch']);
    const values = { train: false, layout: 'nchw' as const, outputs: 'probabilities' as const };
    expect(optionsFor('typescript', values, { kind: 'network' })).toEqual({ train: false });
    expect(optionsFor('pytorch', values, { kind: 'network' })).toEqual({ train: false });
    expect(optionsFor('onnx', values, { kind: 'network' })).toEqual({ layout: 'nchw' });
    expect(optionsFor('onnx', { ...values, outputs: 'logits' }, { kind: 'network' })).toEqual({ layout: 'nchw', outputs: 'logits' });
    expect(optionsFor('pytorch', { ...values, outputs: 'logits' }, { kind: 'network' })).toEqual({ train: false });
    expect(optionsFor('tfjs-model', values, { kind: 'network' })).toEqual({});
    expect(optionsFor('tfjs-model', DEFAULT_OPTIONS, { kind: 'run', runId: 'r1' })).toEqual({ runId: 'r1' });
    for (const f of FORMATS) {
      for (const source of [{ kind: 'network' } as const, { kind: 'run', runId: 'r-1' } as const]) {
        const req = generateRequest(doc, f.target, DEFAULT_OPTIONS, source);
        expect(exportService.methods.generate.input.safeParse(req).success, `${f.target} ${source.kind}`).toBe(true);
        // a run exports the graph version it trained: the editor's document is not sent
        expect('document' in req).toBe(source.kind === 'network');
      }
    }
  });

  it('lists the runs that ended, newest first, with their dataset and status', () => {
    const runs = [
      { id: 'aaaaaaaa-1', status: 'done', dataset: 'synthetic', label: null, createdAt: 1, finishedAt: 10 },
      { id: 'bbbbbbbb-2', status: 'running', dataset: 'synthetic', label: null, createdAt: 2, finishedAt: null },
      { id: 'cccccccc-3', status: 'canceled', dataset: 'fashion-mnist', label: 'ResNet-20', createdAt: 3, finishedAt: 30 },
      { id: 'dddddddd-4', status: 'queued', dataset: 'synthetic', label: null, createdAt: 4, finishedAt: null },
    ];
    expect(runChoices(runs, (ms) => `t${ms}`)).toEqual([
      { id: 'cccccccc-3', label: 'ResNet-20 · fashion-mnist · canceled t30' },
      { id: 'aaaaaaaa-1', label: 'Run aaaaaaaa · synthetic · finished t10' },
    ]);
  });

  it('says what will be exported', () => {
    expect(sourceLine('ResNet-20', null)).toBe('“ResNet-20” as it is in the editor, with freshly initialized weights.');
    expect(sourceLine('', { runId: '0123456789', projectId: 'p', versionId: 'v', versionNumber: 3, epoch: 7, status: 'done' })).toBe(
      '“Untitled network” as run 01234567 trained it (graph version 3), with the weights of its last checkpoint (epoch 7).',
    );
  });
});
