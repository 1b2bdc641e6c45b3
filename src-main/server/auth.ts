import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieName(port: number): string {
  return `skipwire_token_${port}`;
}

/** The token a request carries: `?token=`, `Authorization: Bearer`, or the session cookie. */
export function presentedTokens(req: IncomingMessage, url: URL, port: number): string[] {
  const out: string[] = [];
  const q = url.searchParams.get('token');
  if (q !== null) out.push(q);
  const auth = req.headers.authorization;
  if (auth !== undefined && auth.startsWith('Bearer ')) out.push(auth.slice('Bearer '.length).trim());
  const cookie = req.headers.cookie;
  if (cookie !== undefined) {
    const name = cookieName(port);
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === name) out.push(decodeURIComponent(v.join('=')));
    }
  }
  return out;
}

/** Origins the browser host accepts: its own, on 127.0.0.1 or localhost. */
export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Host headers accepted (defends against DNS rebinding). */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}
