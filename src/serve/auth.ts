import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

// Whoever reaches the page can move the robot. On loopback only local processes can, and the Host and
// Origin checks keep other web sites (DNS rebinding, cross-site websockets) out. Bound to any other
// address, every request must also carry the session token: in the URL once, then in a cookie.

export const TOKEN_COOKIE = 'wand_token';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

export type Verdict = { ok: true; viaQuery: boolean } | { ok: false; status: number; reason: string };

export class Gate {
  constructor(
    /** The address the server is bound to. */
    private readonly host: string,
    /** Required on every request when set (always set off loopback). */
    readonly token: string | undefined,
  ) {}

  /** Host names a browser may use to reach this server (anything else is DNS rebinding or a proxy we do not know). */
  private hostAllowed(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!;
    if (isLoopbackHost(name)) return true;
    // Bound to a non-loopback address the token protects the server; any name that resolves here is fine.
    return !isLoopbackHost(this.host);
  }

  private tokenOf(req: IncomingMessage): { token?: string; viaQuery: boolean } {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams.get('token');
    if (q) return { token: q, viaQuery: true };
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), viaQuery: false };
    const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim().split('='));
    const found = cookie.find(([k]) => k === TOKEN_COOKIE);
    return { token: found ? decodeURIComponent(found[1] ?? '') : undefined, viaQuery: false };
  }

  /** HTTP requests and websocket upgrades alike. */
  check(req: IncomingMessage): Verdict {
    if (!this.hostAllowed(req.headers.host)) return { ok: false, status: 403, reason: 'unexpected Host header' };
    const { token, viaQuery } = this.tokenOf(req);
    if (this.token !== undefined && !(token !== undefined && sameSecret(token, this.token))) {
      return { ok: false, status: 401, reason: 'missing or wrong token: open the URL printed by `wand serve`' };
    }
    return { ok: true, viaQuery };
  }

  /** Websockets are not bound by the same-origin policy, so a page elsewhere could open one: only our own page may. */
  checkOrigin(req: IncomingMessage): Verdict {
    const origin = req.headers.origin;
    // Non-browser clients (tests, the bench, scripts) send no Origin; they are not a cross-site threat.
    if (origin === undefined) return { ok: true, viaQuery: false };
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return { ok: false, status: 403, reason: 'malformed Origin' };
    }
    if (parsed.host !== req.headers.host) return { ok: false, status: 403, reason: `cross-origin websocket from ${origin}` };
    return { ok: true, viaQuery: false };
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** How to write an address in a URL. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return host === '::' ? '[::1]' : '127.0.0.1';
  return isIP(host) === 6 ? `[${host}]` : host;
}
