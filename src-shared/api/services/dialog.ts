import { z } from 'zod';
import { defineService, method } from '../contract.js';

export const FileFilter = z.object({
  name: z.string().max(100),
  extensions: z.array(z.string().regex(/^[A-Za-z0-9.*]+$/).max(20)).max(20),
});

/** Largest document the open dialog reads (bytes). */
export const MAX_OPEN_BYTES = 64 * 1024 * 1024;

export const OpenFileReply = z.discriminatedUnion('canceled', [
  z.object({ canceled: z.literal(true) }),
  z.object({ canceled: z.literal(false), path: z.string(), name: z.string(), content: z.string() }),
]);

export const SaveFileReply = z.discriminatedUnion('canceled', [
  z.object({ canceled: z.literal(true) }),
  z.object({ canceled: z.literal(false), path: z.string() }),
]);

/** Native open/save dialogs. Provided by the Electron host only; the browser host uses the page's file picker. */
export const dialogService = defineService(
  'dialog',
  {
    openFile: method(
      z.object({ title: z.string().max(200).optional(), filters: z.array(FileFilter).max(20).optional() }).strict(),
      OpenFileReply,
      'Ask the user for a file and read it as UTF-8 text',
    ),
    saveFile: method(
      z
        .object({
          title: z.string().max(200).optional(),
          defaultName: z.string().max(255),
          content: z.string().max(MAX_OPEN_BYTES),
          filters: z.array(FileFilter).max(20).optional(),
        })
        .strict(),
      SaveFileReply,
      'Ask the user where to save and write the text there',
    ),
  },
  {},
);
