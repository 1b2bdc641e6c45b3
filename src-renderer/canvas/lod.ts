import type { ReactFlowState } from '@xyflow/react';

/** Below this zoom the canvas draws nodes as labelled boxes and hides edge labels (level of detail). */
export const LOD_ZOOM = 0.45;

export const zoomedOutSelector = (s: ReactFlowState): boolean => s.transform[2] < LOD_ZOOM;
