import type { enginesService, ServiceImpl } from '../../../src-shared/api/index.js';
import { probeEngines } from './probe.js';
import type { ProbeOptions, ProbeReport } from './probe.js';

export interface EnginesServiceOptions extends ProbeOptions {
  /** The probe to run (tests pass a fake); default probeEngines. */
  readonly probe?: (o: ProbeOptions) => Promise<ProbeReport>;
}

/**
 * The `engines` contract service. Probing takes from milliseconds to seconds (an installed
 * tfjs-node is loaded in a child process; WebGPU asks Dawn for an adapter, which loads dawn.node
 * into this process), so nothing runs at startup: the first call probes, later calls get the
 * cached report until one asks for `refresh`. Concurrent callers share one probe.
 */
export function createEnginesService(o: EnginesServiceOptions = {}): ServiceImpl<typeof enginesService> {
  const probe = o.probe ?? probeEngines;
  let cached: Promise<ProbeReport> | undefined;
  return {
    probe: ({ refresh }) => {
      if (cached === undefined || refresh === true) {
        const p = probe(o);
        cached = p;
        // A failed probe is not cached: the next call tries again.
        p.catch(() => {
          if (cached === p) cached = undefined;
        });
      }
      return cached.then((r) => ({ ...r, engines: [...r.engines] }));
    },
  };
}
