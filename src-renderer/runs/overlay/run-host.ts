import { create } from 'zustand';
import type { Host } from '../../host/host.js';

/**
 * The host the run panels (overlay, health, evaluation) talk through. The app sets it once
 * (`<RunOverlayHost host={…}/>`), so the panels can be mounted with nothing but a run id.
 */
export const useRunHost = create<{ host: Host | null }>(() => ({ host: null }));

export function setRunHost(host: Host | null): void {
  useRunHost.setState({ host });
}
