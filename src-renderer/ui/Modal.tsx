import * as Dialog from '@radix-ui/react-dialog';
import { useState } from 'react';
import type { KeyboardEvent, ReactNode, RefObject } from 'react';
import './ui.css';

export interface ModalProps {
  /** Called for Escape, a click outside, or the dialog's own close buttons. */
  readonly onClose: () => void;
  /** The dialog's heading (its accessible name). */
  readonly title: ReactNode;
  /** Read by screen readers but not shown (when the dialog shows its own heading further in). */
  readonly hideTitle?: boolean;
  readonly className: string;
  readonly testId?: string;
  /** The element focused when the dialog opens; by default the first focusable one. */
  readonly initialFocus?: RefObject<HTMLElement | null> | (() => HTMLElement | null | undefined);
  readonly onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
  /** 'alertdialog' for a question that interrupts (Save / Discard / Cancel); 'dialog' by default. */
  readonly role?: 'dialog' | 'alertdialog';
  /** Extra class on the backdrop (e.g. to stack above another open dialog). */
  readonly backdropClassName?: string;
  readonly children: ReactNode;
}

/**
 * The app's modal dialog, on Radix UI's Dialog primitive: focus moves in and is held there (Tab
 * cycles inside), Escape or a click on the backdrop closes, focus returns to what had it before,
 * the rest of the page is hidden from screen readers meanwhile. The backdrop keeps the
 * `modal-backdrop` class the app's keyboard handler looks for (no editor shortcuts under a dialog).
 */
export function Modal({ onClose, title, hideTitle = false, className, testId, initialFocus, onKeyDown, role = 'dialog', backdropClassName, children }: ModalProps) {
  // What had focus when the dialog opened (the button that opened it): it gets focus back. Radix
  // returns focus to a Dialog.Trigger; these dialogs are opened by buttons, menus and shortcuts.
  const [opener] = useState(() => (typeof document === 'undefined' ? null : document.activeElement));
  return (
    <Dialog.Root
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className={backdropClassName === undefined ? 'modal-backdrop' : `modal-backdrop ${backdropClassName}`}>
          <Dialog.Content
            className={className}
            role={role}
            data-testid={testId}
            aria-describedby={undefined}
            onKeyDown={onKeyDown}
            onCloseAutoFocus={(e) => {
              if (!(opener instanceof HTMLElement) || !opener.isConnected) return;
              e.preventDefault();
              // The opener may still be busy (disabled) while what it asked for finishes: retry briefly.
              const give = (tries: number): void => {
                opener.focus();
                if (document.activeElement !== opener && tries > 0) setTimeout(() => give(tries - 1), 50);
              };
              give(20);
            }}
            onOpenAutoFocus={(e) => {
              const el = typeof initialFocus === 'function' ? initialFocus() : initialFocus?.current;
              if (el === null || el === undefined) return;
              e.preventDefault();
              el.focus();
            }}
          >
            <Dialog.Title asChild>
              <h3 className={hideTitle ? 'visually-hidden' : undefined}>{title}</h3>
            </Dialog.Title>
            {children}
          </Dialog.Content>
        </Dialog.Overlay>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
