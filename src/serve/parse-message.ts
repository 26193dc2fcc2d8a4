import type { RawData } from 'ws';
import { ClientMessage } from './protocol.ts';

// Anything can arrive on a websocket. A bad message gets a reply saying what was wrong with it, and
// nothing else happens: no exception escapes, no other tab notices.

export type Parsed = { ok: true; message: ClientMessage } | { ok: false; message: string };

const TYPES = ClientMessage.options.map((o) => o.shape.type.value).join(', ');

export function parseClientMessage(raw: RawData, isBinary: boolean): Parsed {
  if (isBinary) return { ok: false, message: 'binary messages are not accepted; send JSON text' };
  const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: `not JSON: ${JSON.stringify(text.slice(0, 60))}` };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof json !== 'object' || json === null || typeof type !== 'string') {
    return { ok: false, message: `a message must be an object with a "type" (one of ${TYPES})` };
  }
  const result = ClientMessage.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? `"${issue.path.join('.')}": ` : '';
    const known = ClientMessage.options.some((o) => o.shape.type.value === type);
    return {
      ok: false,
      message: known ? `bad "${type}" message: ${where}${issue.message}` : `unknown message type "${type}" (expected one of ${TYPES})`,
    };
  }
  return { ok: true, message: result.data };
}
