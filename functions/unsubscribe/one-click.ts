/**
 * RFC 8058 one-click unsubscribe behind a Lambda function URL.
 *
 *   POST ?t=TOKEN  body `List-Unsubscribe=One-Click` (urlencoded or multipart)  → pause the digest, 200 text
 *   GET  ?t=TOKEN  → a small confirmation page whose button POSTs the same body (GET never changes anything:
 *                    link scanners and prefetchers follow GETs)
 * A bad or expired token answers 400 and changes nothing. Never a redirect (RFC 8058 §3.2).
 * The token (purpose 'unsubscribe', see reply-token.ts) is the only authentication: it names the user and is
 * signed with a key derived for that user and purpose.
 */
import * as z from 'zod/mini';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Logger } from '#commons/logger';
import { verifyReplyToken, type ReplyTokenRejection } from '#domain/reply-token';
import type { Store } from '#adapters/store';

/** Function URL (payload format 2.0) fields we read; everything else passes through unread. */
// zod/mini (as in every Lambda's event schema): the same validation at a fraction of zod's size in the bundle.
export const FunctionUrlEvent = z.object({
  rawQueryString: z._default(z.string(), ''),
  headers: z._default(z.record(z.string(), z.string()), {}),
  body: z.optional(z.string()),
  isBase64Encoded: z._default(z.boolean(), false),
  requestContext: z.object({
    http: z.object({ method: z.string().check(z.minLength(1), z.maxLength(16)) }),
    requestId: z.optional(z.string()),
  }),
});
export type FunctionUrlEvent = z.infer<typeof FunctionUrlEvent>;

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface UnsubscribeDeps {
  readonly store: Pick<Store, 'updateUser'>;
  readonly secret: () => Promise<Uint8Array>;
  readonly now: () => Date;
  readonly log: Logger;
}

/** One-click bodies are 26 bytes; anything much larger is not one. */
const MAX_BODY_BYTES = 16 * 1024;
const MAX_TOKEN_CHARS = 256;
const ONE_CLICK_FIELD = 'List-Unsubscribe';
const ONE_CLICK_VALUE = 'One-Click';

// The token sits in the URL, so no referrer may carry it elsewhere; pages are never cached or framed.
const BASE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};
const TEXT = { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8' };
const HTML = {
  ...BASE_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export const MESSAGES = {
  done: 'You are unsubscribed: Nurture will send you no more digests. To start again, reply "resume" to a digest.\n',
  invalidEvent: 'Bad request.\n',
  missingToken: 'This unsubscribe link is incomplete: it has no token. Use the link from your latest digest, or reply "pause" to it.\n',
  malformed: 'This unsubscribe link is not valid. Use the link from your latest digest, or reply "pause" to it.\n',
  'bad-signature': 'This unsubscribe link is not valid. Use the link from your latest digest, or reply "pause" to it.\n',
  expired: 'This unsubscribe link has expired. Use the link from your latest digest, or reply "pause" to it.\n',
  notOneClick: `Expected the one-click body "${ONE_CLICK_FIELD}=${ONE_CLICK_VALUE}" (RFC 8058). Nothing was changed.\n`,
  method: 'Use GET to see the confirmation page or POST to unsubscribe.\n',
} as const;

export async function handleUnsubscribe(deps: UnsubscribeDeps, raw: unknown): Promise<HttpResponse> {
  const parsed = FunctionUrlEvent.safeParse(raw);
  if (!parsed.success) {
    deps.log.warn('unsubscribe: invalid function URL event', { issues: parsed.error.issues.slice(0, 5) });
    return text(400, MESSAGES.invalidEvent);
  }
  const event = parsed.data;
  const method = event.requestContext.http.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    return { ...text(405, MESSAGES.method), headers: { ...TEXT, allow: 'GET, HEAD, POST' } };
  }

  const token = new URLSearchParams(event.rawQueryString).get('t');
  if (!token || token.length > MAX_TOKEN_CHARS) return text(400, MESSAGES.missingToken);
  const verdict = verifyReplyToken(await deps.secret(), token, deps.now(), { purpose: 'unsubscribe' });
  if (!verdict.ok) {
    deps.log.info('unsubscribe: token rejected', { reason: verdict.reason, method });
    return rejection(method, verdict.reason);
  }

  if (method !== 'POST') {
    const page = confirmationPage(token);
    return { statusCode: 200, headers: HTML, body: method === 'HEAD' ? '' : page };
  }
  if (!isOneClickBody(event)) return text(400, MESSAGES.notOneClick);

  const { userId } = verdict.claims;
  try {
    await deps.store.updateUser(userId, { paused: true }, null);
  } catch (err) {
    // The token is genuine but the user was erased: there is nothing left to send to, which is what they asked.
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    deps.log.info('unsubscribe: user no longer exists', { userId });
    return text(200, MESSAGES.done);
  }
  deps.log.info('unsubscribe: digest paused', { userId });
  return text(200, MESSAGES.done);
}

function rejection(method: string, reason: ReplyTokenRejection): HttpResponse {
  const message = MESSAGES[reason];
  if (method === 'POST') return text(400, message);
  return { statusCode: 400, headers: HTML, body: method === 'HEAD' ? '' : page('Link not valid', `<p>${escapeHtml(message.trim())}</p>`) };
}

function text(statusCode: number, body: string): HttpResponse {
  return { statusCode, headers: TEXT, body };
}

/** True when the body carries `List-Unsubscribe=One-Click`, form-urlencoded or multipart/form-data (RFC 8058 §3.1). */
export function isOneClickBody(event: Pick<FunctionUrlEvent, 'body' | 'isBase64Encoded' | 'headers'>): boolean {
  if (event.body === undefined) return false;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) return false;
  const body = bytes.toString('latin1');
  const contentType = headerValue(event.headers, 'content-type')?.toLowerCase() ?? '';
  if (contentType.startsWith('multipart/form-data')) {
    return /content-disposition:[ \t]*form-data;[ \t]*name="?List-Unsubscribe"?[^\r\n]*\r?\n(?:[^\r\n]+\r?\n){0,8}\r?\nOne-Click\r?\n/i.test(body);
  }
  return new URLSearchParams(body.trim()).get(ONE_CLICK_FIELD) === ONE_CLICK_VALUE;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  // Function URLs lower-case header names; be tolerant of hand-written test events too.
  return headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The GET page: one button that POSTs the one-click body back to this URL with the same token. */
export function confirmationPage(token: string): string {
  const action = `?t=${encodeURIComponent(token)}`;
  return page(
    'Unsubscribe from Nurture',
    `<p>Stop the weekly Nurture digest?</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="${ONE_CLICK_FIELD}" value="${ONE_CLICK_VALUE}">
<button type="submit">Unsubscribe</button>
</form>
<p>You can also reply "pause" to any digest.</p>`,
  );
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1.25rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${content}
</body></html>
`;
}
