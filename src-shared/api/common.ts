import { z } from 'zod';
import { isAllowedName, NAME_RULE_MESSAGE } from '../graph/document.js';

export const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : -');
/** A project's name: the same rule as a document's name (no control characters), 1–200 characters. */
export const Name = z.string().trim().min(1, 'a name is required').max(200).refine(isAllowedName, NAME_RULE_MESSAGE);
export const Empty = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });

/**
 * A Skipwire document as it crosses the contract. The graph model (src-shared/graph) owns the
 * full schema and its migrations; at the boundary we insist on an object with a schemaVersion so
 * older documents can be migrated and newer ones refused with a clear message.
 */
export const DocumentJson = z.looseObject({
  schemaVersion: z.number().int().min(0),
});
export type DocumentJson = z.infer<typeof DocumentJson>;
