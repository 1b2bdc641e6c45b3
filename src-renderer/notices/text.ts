/**
 * Text that is safe to show a person: what a message says when it may carry bytes from outside
 * (a file's contents echoed by a parser, a server's reply). Control characters other than line
 * breaks and tabs become one space each run, a run of replacement characters (undecodable bytes)
 * becomes "…", and a very long message is cut with an ellipsis (it is still shown wrapped, whole
 * up to that length).
 */
export const MAX_NOTICE_CHARS = 1200;

export function readableText(s: string, max = MAX_NOTICE_CHARS): string {
  const clean = s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\uFFFD+/g, '…')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Whether text read from a file is binary rather than text: a NUL, or more than 2% of the first
 * 4 KiB being undecodable bytes (U+FFFD) or control characters other than whitespace.
 */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 4096);
  if (head.includes('\u0000')) return true;
  if (head.length === 0) return false;
  // eslint-disable-next-line no-control-regex
  const odd = head.match(/[\uFFFD\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/g)?.length ?? 0;
  return odd / head.length > 0.02;
}

/** How long a notice stays before it clears itself (ms); null: until dismissed. */
export function noticeLifetime(level: 'info' | 'warning' | 'error', hasAction: boolean): number | null {
  if (level !== 'info') return null;
  return hasAction ? 20_000 : 6_000;
}
