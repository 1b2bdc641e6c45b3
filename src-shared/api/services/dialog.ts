import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { ExportedFile, ExportFileName } from './export.js';

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

/** Largest set of files saveFiles writes (bytes of content as sent, base64 included). */
export const MAX_SAVE_FILES_BYTES = 1024 * 1024 * 1024;

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
    saveFiles: method(
      z
        .object({
          title: z.string().max(200).optional(),
          /** The folder created inside the chosen one (e.g. resnet-20-pytorch). */
          folder: ExportFileName,
          files: z.array(ExportedFile).min(1).max(1000),
        })
        .strict()
        .refine((o) => o.files.reduce((n, f) => n + f.content.length, 0) <= MAX_SAVE_FILES_BYTES, { message: `more than ${MAX_SAVE_FILES_BYTES} bytes`, path: ['files'] }),
      SaveFileReply,
      'Ask the user for a folder and write the files into a new folder there (a temporary folder first, then renamed: nothing half-written)',
    ),
  },
  {},
);
