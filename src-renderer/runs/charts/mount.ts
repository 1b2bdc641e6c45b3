import uPlot from 'uplot';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

/** An axis in the current theme's colours (read from the CSS variables when the chart is built). */
export function themedAxis(): uPlot.Axis {
  const grid = cssVar('--border', '#2a313b');
  return { stroke: cssVar('--muted', '#9aa4b2'), grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
}

/** The theme's muted text colour. */
export function mutedColor(): string {
  return cssVar('--muted', '#9aa4b2');
}

/**
 * Builds a uPlot chart in `el` at the element's width (at least `minWidth`), follows the element's
 * width as it resizes, and tells `onPlot` the chart (then null once it is gone). Returns the
 * teardown for a React effect.
 */
export function mountChart(el: HTMLElement, options: (width: number) => uPlot.Options, data: uPlot.AlignedData, minWidth: number, onPlot: (u: uPlot | null) => void): () => void {
  const u = new uPlot(options(Math.max(minWidth, el.clientWidth)), data, el);
  onPlot(u);
  const ro = new ResizeObserver(() => {
    const w = Math.max(minWidth, el.clientWidth);
    if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: u.height });
  });
  ro.observe(el);
  return () => {
    ro.disconnect();
    u.destroy();
    onPlot(null);
  };
}
