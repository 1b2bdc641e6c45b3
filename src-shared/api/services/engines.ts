import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { EngineId } from './training.js';

/** What probing found about one training engine. */
export const EngineProbe = z.object({
  id: EngineId,
  label: z.string(),
  available: z.boolean(),
  /** Available: what it runs on (adapter, SIMD, threads). Not available: why not. */
  detail: z.string(),
  /** What to do to make it available (or fast). */
  fix: z.string().optional(),
  /** WebGPU on a software (CPU) adapter such as SwiftShader: correct, far too slow to train. */
  software: z.boolean().optional(),
  tookMs: z.number().min(0),
});
export type EngineProbe = z.infer<typeof EngineProbe>;

export const EnginesReport = z.object({
  engines: z.array(EngineProbe),
  /** What `auto` would train on, and why. */
  auto: EngineId,
  autoReason: z.string(),
  /** ISO time of the probe (results are cached; `refresh` probes again). */
  probedAt: z.string(),
});
export type EnginesReport = z.infer<typeof EnginesReport>;

export const enginesService = defineService(
  'engines',
  {
    probe: method(
      z.object({ refresh: z.boolean().optional() }).strict(),
      EnginesReport,
      'Training engines on this machine: available or not, why not and the fix, and what auto picks',
    ),
  },
  {},
);
