import { useEffect } from 'react';
import type { Host } from '../../host/host.js';
import { connectProbes } from './probe-store.js';
import { setRunHost } from './run-host.js';

/** Connects the run panels to the host: live probes flow into the probe store. Mount once, in the app. */
export function RunOverlayHost({ host }: { host: Host }) {
  useEffect(() => {
    setRunHost(host);
    const off = connectProbes(host);
    return () => {
      off();
      setRunHost(null);
    };
  }, [host]);
  return null;
}
