import { useMemo } from 'react';
import { costReport, formatBytes, formatCount, trainingMemory } from '../../src-shared/graph/cost.js';
import type { Optimizer } from '../../src-shared/graph/cost.js';
import { useEditor, useEditorStore } from '../editor/context.js';

const OPTIMIZERS: readonly { value: Optimizer; label: string }[] = [
  { value: 'sgd', label: 'SGD' },
  { value: 'momentum', label: 'SGD + momentum' },
  { value: 'adam', label: 'Adam' },
];

/** Always visible: params, FLOPs, activation memory and the training-memory estimate for a batch size. */
export function CostSummary() {
  const store = useEditorStore();
  const analysis = useEditor((s) => s.analysis);
  const batchSize = useEditor((s) => s.batchSize);
  const optimizer = useEditor((s) => s.optimizer);
  const report = costReport(analysis);
  const memory = useMemo(() => trainingMemory(report, { batchSize, optimizer }), [report, batchSize, optimizer]);
  const t = report.totals;
  return (
    <div className="cost-summary" data-testid="cost-summary" aria-label="Cost summary">
      <span className="metric" title={`${t.params.toLocaleString('en-US')} trainable (+${t.nonTrainable.toLocaleString('en-US')} non-trainable)`}>
        <span className="k">Params</span> <span className="v" data-testid="cost-params">{formatCount(t.params)}</span>
      </span>
      <span className="metric" title="Multiply-adds for one image">
        <span className="k">FLOPs</span> <span className="v" data-testid="cost-flops">{formatCount(t.flops)}</span>
      </span>
      <span className="metric" title="Every layer's output for one image (float32)">
        <span className="k">Activations</span> <span className="v">{formatBytes(t.activationBytes)}</span>
        <span className="k">/image</span>
      </span>
      <span className="metric" title="Weights + gradients + optimizer state + activations kept for the backward pass (an estimate)">
        <span className="k">Training</span> <span className="v" data-testid="cost-training">≈ {formatBytes(memory.totalBytes)}</span>
      </span>
      <label className="metric">
        <span className="k">batch</span>
        <input
          type="number"
          min={1}
          max={1_000_000}
          step={1}
          value={batchSize}
          aria-label="Batch size"
          onChange={(e) => store.getState().setBatchSize(Number(e.target.value))}
        />
      </label>
      <select aria-label="Optimizer" value={optimizer} onChange={(e) => {
          const o = OPTIMIZERS.find((x) => x.value === e.target.value);
          if (o !== undefined) store.getState().setOptimizer(o.value);
        }}>
        {OPTIMIZERS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {report.unknown.length > 0 && (
        <span className="metric muted" title="Layers without a shape have no cost yet">
          ({report.unknown.length} layer{report.unknown.length === 1 ? '' : 's'} not counted)
        </span>
      )}
    </div>
  );
}
