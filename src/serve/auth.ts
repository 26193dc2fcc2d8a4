import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

// Whoever reaches the page can move the robot. On loopback only local processes can, and the Host and
// Origin checks keep other web sites (DNS rebinding, cross-site websockets) out. Bound to any other
// address, every request must also carry the session token: in the URL once, then in a cookie.
// Every request is hostile until these checks pass: nothing here may throw, whatever the URL, the
// cookies or the headers hold.

export const TOKEN_COOKIE = 'wand_token';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

export type Verdict = { ok: true; viaQuery: boolean } | { ok: false; status: number; reason: string };

/** The request's path and query, or null when the request line's target is not a URL path ("//", "http:"). */
export function requestUrl(req: IncomingMessage): URL | null {
  const target = req.url ?? '/';
  // Only origin-form targets ("/path?query"); "//host" would be read as a host, "*" and absolute forms are not ours.
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://wand.invalid');
  } catch {
    return null;
  }
}

/** The value of one cookie, or undefined when it is absent or not decodable. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined; // "%" and other broken escapes: no token, not a crash
    }
  }
  return undefined;
}

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

  private tokenOf(req: IncomingMessage, url: URL): { token?: string; viaQuery: boolean } {
    const q = url.searchParams.get('token');
    if (q) return { token: q, viaQuery: true };
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), viaQuery: false };
    return { token: cookieValue(req.headers.cookie, TOKEN_COOKIE), viaQuery: false };
  }

  /** HTTP requests and websocket upgrades alike: Host, then (for websockets) Origin, then the token, then the URL. */
  check(req: IncomingMessage, opts: { websocket?: boolean } = {}): Verdict {
    if (!this.hostAllowed(req.headers.host)) return { ok: false, status: 403, reason: 'unexpected Host header' };
    if (opts.websocket) {
      const origin = this.checkOrigin(req);
      if (!origin.ok) return origin;
    }
    const url = requestUrl(req);
    if (this.token === undefined) return url ? { ok: true, viaQuery: false } : { ok: false, status: 400, reason: 'malformed request path' };
    // With a token required, a request without one learns nothing, not even whether its path was valid.
    const { token, viaQuery } = url ? this.tokenOf(req, url) : { token: undefined, viaQuery: false };
    if (!(token !== undefined && sameSecret(token, this.token))) {
      return { ok: false, status: 401, reason: 'missing or wrong token: open the URL printed by `wand serve`' };
    }
    return url ? { ok: true, viaQuery } : { ok: false, status: 400, reason: 'malformed request path' };
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
    // The page is served over plain HTTP from exactly this host and port: any other scheme is another origin.
    if (parsed.protocol !== 'http:' || parsed.host !== req.headers.host?.toLowerCase()) {
      return { ok: false, status: 403, reason: `cross-origin websocket from ${origin.slice(0, 100)}` };
    }
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
