import { z } from 'zod';
import { defineService } from '../contract.js';

/** Commands the application menu (Electron) or the toolbar (browser) can issue. */
export const MenuCommand = z.enum([
  'new',
  'open',
  'save',
  'save-version',
  'import',
  'export',
  'export-code',
  'undo',
  'redo',
  'zoom-in',
  'zoom-out',
  'zoom-reset',
  'fit-view',
]);
export type MenuCommand = z.infer<typeof MenuCommand>;

export const shellService = defineService(
  'shell',
  {},
  {
    /** The native menu was used; the renderer runs the command. */
    menu: z.object({ command: MenuCommand }),
  },
);
