import { z } from 'zod';

export const Id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : -');
export const Name = z.string().trim().min(1, 'a name is required').max(200);
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
