export * from './document.js';
export * from './canonical.js';
export * from './diff.js';
export * from './ops.js';
export * from './history.js';
export * from './topo.js';
export * from './integrity.js';
export * from './migrations.js';
