import type { CSSProperties } from 'react';
import type { NodeId } from '../../../src-shared/graph/document.js';
import { formatNorm } from './color-scale.js';
import { deadBadge, residualBadge } from './flow-tint.js';
import type { NodeTint } from './flow-tint.js';
import { useDeadFraction, useResidualRatio } from './overlay-state.js';

/** Dead fraction from which the badge is drawn as a warning. */
const DEAD_WARN = 0.5;

export interface GradTintProps {
  readonly className: string;
  readonly style: CSSProperties | undefined;
  readonly title: readonly string[];
  /** `own` / `inherited` / undefined (for tests and e2e). */
  readonly data: string | undefined;
}

/** How a layer node shows its gradient tint: a class, the colour as `--grad`, and a line for its title. */
export function gradTintProps(tint: NodeTint | undefined): GradTintProps {
  if (tint === undefined) return { className: '', style: undefined, title: [], data: undefined };
  const style = { '--grad': tint.color } as CSSProperties;
  const copies = tint.copies > 1 ? ` (mean over ${tint.copies} copies)` : '';
  const title = tint.block
    ? `Gradient norm ‖∇W‖ ${formatNorm(tint.value)}: the geometric mean over the block's ${tint.copies} layer${tint.copies === 1 ? '' : 's'} with weights`
    : tint.own
    ? `Gradient norm ‖∇W‖ ${formatNorm(tint.value)}${copies}`
    : `No weights of its own: outlined with the gradient norm of “${tint.from}”, the nearest weighted layer upstream (${formatNorm(tint.value)})`;
  return { className: tint.own ? ' grad-own' : ' grad-inherited', style, title: [title], data: `${tint.own ? 'own' : 'inherited'}:${tint.color}` };
}

/** Badges of the focused run's health on a node: ‖F(x)‖/‖x‖ on residual merges, the dead fraction on ReLUs. */
export function HealthBadges({ id }: { id: NodeId }) {
  const residual = useResidualRatio(id);
  const dead = useDeadFraction(id);
  const copies = (n: number): string => (n > 1 ? ` (mean over ${n} copies)` : '');
  const deadText = dead === undefined ? null : deadBadge(dead.value);
  return (
    <>
      {residual !== undefined && residual.value !== null && (
        <span
          className="ln-badge health"
          data-testid="residual-badge"
          title={`‖F(x)‖ / ‖x‖ = ${formatNorm(residual.value)}${copies(residual.copies)}: how large the residual branch F is against the shortcut x it is added to. Near 0 the block passes x through almost unchanged; far above 1 the shortcut barely matters.`}
        >
          {residualBadge(residual.value)}
        </span>
      )}
      {dead !== undefined && deadText !== null && (
        <span
          className={`ln-badge health${(dead.value ?? 0) >= DEAD_WARN ? ' warn' : ''}`}
          data-testid="dead-badge"
          title={`${Math.round((dead.value ?? 0) * 1000) / 10}% of this ReLU’s units (channels) were 0 for every example and position of the probed batch${copies(dead.copies)}: they pass no gradient.`}
        >
          {deadText}
        </span>
      )}
    </>
  );
}
