import { useEffect, useMemo } from 'react';
import { useEditor } from '../../editor/context.js';
import { useRunFocus } from '../../state/run-focus.js';
import { RAMP_START, decadeTicks, formatDecade, formatNorm, logDomain, ramp } from './color-scale.js';
import { expandRepeats } from '../../../src-shared/graph/repeat.js';
import { overlayView, sameNetwork, sharedLayers } from './flow-tint.js';
import { setOverlayView, useOverlayView, useRunProbes } from './overlay-state.js';
import { allGradNorms } from './probe-model.js';
import './overlay.css';

const STOPS = 12;
/** The colour scale spans the gradient norms of this many latest probes. */
const SCALE_WINDOW = 10;
const GRADIENT = `linear-gradient(to right, ${Array.from({ length: STOPS }, (_, i) => ramp(RAMP_START + ((1 - RAMP_START) * i) / (STOPS - 1))).join(', ')})`;

/**
 * The gradient-flow overlay of the focused run: computes the canvas's tints from its latest probe
 * and shows the legend with the on/off switch. The colour scale spans the gradient norms of the
 * last SCALE_WINDOW probes: steady enough that a colour means about the same value from one probe
 * to the next, narrow enough that the early steps' large gradients do not wash out the picture
 * later in training. Mounted once, in the canvas.
 */
export function GradientOverlay() {
  const runId = useRunFocus((s) => s.focusedRunId);
  const on = useRunFocus((s) => s.overlay);
  const setOverlay = useRunFocus((s) => s.setOverlay);
  const probes = useRunProbes(runId);
  const doc = useEditor((s) => s.doc);
  const history = probes?.history;
  const latest = history === undefined ? undefined : history[history.length - 1];
  const domain = useMemo(() => (history === undefined ? null : logDomain(allGradNorms(history.slice(-SCALE_WINDOW)))), [history]);

  const kinds = probes?.kinds ?? null;
  // The overlay belongs to the run's network: on another one (no layer in common) it is not shown.
  const { other, foreign } = useMemo(() => {
    if (kinds === null) return { other: false, foreign: false };
    const expanded = Object.values(doc.groups).some((g) => g.repeat > 1) ? expandRepeats(doc) : doc;
    return { other: !sameNetwork(expanded, kinds), foreign: sharedLayers(expanded, kinds) === 0 };
  }, [doc, kinds]);

  useEffect(() => {
    setOverlayView(on && !foreign && latest !== undefined ? overlayView(doc, latest, domain, kinds) : null);
  }, [on, foreign, latest, doc, domain, kinds]);
  useEffect(() => () => setOverlayView(null), []);

  const view = useOverlayView((s) => s.view);
  if (runId === null || foreign) return null;
  const tinted = view === null ? 0 : [...view.tints.values()].filter((t) => t.own).length;
  return (
    <div className="grad-legend" data-testid="grad-legend" aria-label="Gradient-flow overlay">
      <div className="grad-legend-head">
        <label className="grad-toggle" title="Tint layers and edges by the focused run’s gradient norm">
          <input type="checkbox" checked={on} onChange={(e) => setOverlay(e.target.checked)} data-testid="grad-overlay-toggle" />
          Gradient flow
        </label>
        {on && latest !== undefined && (
          <span className="grad-step" data-testid="grad-step">
            step {latest.step}
          </span>
        )}
      </div>
      {on && latest === undefined && <div className="grad-wait">{probes?.status === 'error' ? probes.error : 'waiting for the first probe…'}</div>}
      {on && latest !== undefined && domain !== null && (
        <>
          <div className="grad-bar" style={{ background: GRADIENT }} title="log10 of the gradient’s L2 norm per layer" />
          <div className="grad-ticks">
            {decadeTicks(domain).map((e) => (
              <span key={e} className="grad-tick" style={{ left: `${((e - domain.lo) / (domain.hi - domain.lo)) * 100}%` }}>
                {formatDecade(e)}
              </span>
            ))}
          </div>
          <div className="grad-range">
            <span data-testid="grad-min">{formatNorm(10 ** domain.lo)}</span>
            <span className="muted">‖∇W‖ (log)</span>
            <span data-testid="grad-max">{formatNorm(10 ** domain.hi)}</span>
          </div>
          <div className="grad-note muted">
            {tinted} layer{tinted === 1 ? '' : 's'} with weights filled; others outlined with the nearest weighted layer upstream
          </div>
          {other && (
            <div className="grad-note grad-other" data-testid="grad-other-network">
              This run trained another network (or a version since edited): only the layers it shares with the canvas are shown.
            </div>
          )}
        </>
      )}
      {on && latest !== undefined && domain === null && <div className="grad-wait">no finite gradient norm in this run’s probes</div>}
    </div>
  );
}
