import { useEffect, useMemo } from 'react';
import { useEditorStore } from '../editor/context.js';
import type { Host } from '../host/host.js';
import { useApp } from '../state/app-store.js';
import { Compare } from './Compare.js';
import { useDock } from './dock-store.js';
import type { DockTab } from './dock-store.js';
import { Experiments } from './Experiments.js';
import { RunHistory } from './RunHistory.js';
import { directProjectActions } from './project-actions.js';
import type { ProjectActions } from './project-actions.js';
import { followTrainingEvents } from './runs-store.js';
import { RunView } from './RunView.js';
import { TrainPanel } from './TrainPanel.js';
import './runs.css';

const TABS: readonly { id: DockTab; label: string }[] = [
  { id: 'train', label: 'Train' },
  { id: 'runs', label: 'Runs' },
  { id: 'compare', label: 'Compare' },
  { id: 'experiments', label: 'Experiments' },
];

/**
 * The runs dock on the right: Train, Runs (history and one run's view), Compare, Experiments.
 * The editor stays usable beside it; a run keeps the version it started with. `projects` is the
 * window's project session (saving, opening and restoring go through it); without one the dock
 * moves the current project itself.
 */
export function RunsDock({ host, projects: session }: { host: Host; projects?: ProjectActions }) {
  const { open, tab, runId, compare } = useDock();
  const editor = useEditorStore();
  const notify = useApp((s) => s.notify);
  const projects = useMemo(() => session ?? directProjectActions(host.api, editor, notify), [session, host, editor, notify]);
  useEffect(() => followTrainingEvents(host), [host]);
  if (!open) return null;
  const { show, close, openRun } = useDock.getState();
  return (
    <aside className="runs-dock" aria-label="Training and runs" data-testid="runs-dock">
      <div className="runs-dock-tabs">
        <div className="runs-dock-tablist" role="tablist" aria-label="Training and runs">
          {TABS.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'active' : ''} onClick={() => (t.id === 'runs' && tab === 'runs' ? openRun(null) : show(t.id))} data-testid={`dock-tab-${t.id}`}>
              {t.label}
              {t.id === 'compare' && compare.length > 0 ? ` (${compare.length})` : ''}
            </button>
          ))}
        </div>
        <span className="grow" />
        <button type="button" className="ghost" onClick={close} aria-label="Close the runs dock" title="Close">
          ×
        </button>
      </div>
      <div className="runs-dock-body">
        {tab === 'train' && <TrainPanel host={host} projects={projects} />}
        {tab === 'runs' && (runId === null ? <RunHistory host={host} /> : <RunView host={host} projects={projects} runId={runId} onBack={() => openRun(null)} />)}
        {tab === 'compare' && <Compare host={host} />}
        {tab === 'experiments' && <Experiments host={host} />}
      </div>
    </aside>
  );
}

/** The top bar's buttons: Train opens the Train panel, Runs the history, compare and experiments (a second click closes the dock). */
export function RunsButtons() {
  const { open, tab } = useDock();
  const { show, close } = useDock.getState();
  const toggle = (t: DockTab): void => (open && tab === t ? close() : show(t));
  return (
    <>
      <button type="button" className="primary" aria-pressed={open && tab === 'train'} onClick={() => toggle('train')} title="Train this network" data-testid="open-train">
        Train
      </button>
      <button type="button" aria-pressed={open && tab === 'runs'} onClick={() => toggle('runs')} title="Run history, comparison and the seeds' experiments" data-testid="open-runs">
        Runs
      </button>
    </>
  );
}
