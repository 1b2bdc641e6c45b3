import { addVsConcatPreset } from './add-vs-concat.js';
import { degradationPreset } from './degradation.js';
import { shortcutVariantsPreset } from './shortcut-variants.js';
import type { ExperimentPreset } from './types.js';

/** The seeds' experiments, in the order the app lists them. */
export const EXPERIMENT_PRESETS: readonly ExperimentPreset[] = [degradationPreset, shortcutVariantsPreset, addVsConcatPreset];

export function findPreset(id: string): ExperimentPreset | undefined {
  return EXPERIMENT_PRESETS.find((p) => p.id === id);
}
