import type { MouseEvent } from 'react';
import './ui.css';

/**
 * A "Skip to …" link (WCAG 2.4.1): hidden until it has the keyboard's focus; activating it moves
 * focus to `target` (a CSS selector), past everything between (the canvas' many nodes).
 */
export function SkipLink({ target, children }: { target: string; children: string }) {
  const jump = (e: MouseEvent<HTMLAnchorElement>): void => {
    const el = document.querySelector<HTMLElement>(target);
    if (el === null) return;
    e.preventDefault();
    if (!el.hasAttribute('tabindex') && el.tabIndex < 0) el.setAttribute('tabindex', '-1');
    el.focus();
    el.scrollIntoView?.({ block: 'nearest' });
  };
  return (
    <a className="skip-link" href={target.startsWith('#') ? target : '#'} onClick={jump} data-testid="skip-link">
      {children}
    </a>
  );
}
