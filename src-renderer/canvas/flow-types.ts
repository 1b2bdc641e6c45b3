import { BlockNode } from './BlockNode.js';
import { FrameNode } from './FrameNode.js';
import { LayerNode } from './LayerNode.js';
import { ShapeEdge } from './ShapeEdge.js';

/** How React Flow draws the view model's nodes and edges (the editor's canvas and read-only pictures alike). */
export const nodeTypes = { layer: LayerNode, block: BlockNode, frame: FrameNode };
export const edgeTypes = { shape: ShapeEdge };
