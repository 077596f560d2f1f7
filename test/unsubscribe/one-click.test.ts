/**
 * One-click unsubscribe (RFC 8058) against a real DynamoDB API: the POST pauses exactly the token's user,
 * GET only shows a page, and every bad request leaves the store untouched.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '#commons/logger';
import { base32Decode, base32Encode, signReplyToken } from '#domain/reply-token';
import { DUE_INDEX } from '#adapters/table-schema';
import { confirmationPage, escapeHtml, handleUnsubscribe, isOneClickBody, MESSAGES, type UnsubscribeDeps } from '../../functions/unsubscribe/one-click.ts';
import { startTestStore, testUser, type TestStore } from '../support/local-store.ts';

const NOW = new Date('2026-11-30T08:00:00.000Z');
const SECRET = randomBytes(32);
const SLOT = '2026-12-07T07';

let db: TestStore;
const log = memoryLogger();
const deps = (): UnsubscribeDeps => ({ store: db.store, secret: async () => SECRET, now: () => NOW, log });

function token(userId = 'u_test0001', overrides: { purpose?: 'reply' | 'unsubscribe'; expires?: string; secret?: Uint8Array } = {}): string {
  return signReplyToken(overrides.secret ?? SECRET, {
    userId,
    digestId: '2026-11-30',
    expires: overrides.expires ?? '2027-02-28T00:00:00.000Z',
    purpose: overrides.purpose ?? 'unsubscribe',
  });
}

/** A function URL event (payload 2.0) as Lambda delivers it; spread overrides per case. */
function event(overrides: { method?: string; query?: string; body?: string; base64?: boolean; contentType?: string } = {}) {
  const body = overrides.body ?? 'List-Unsubscribe=One-Click';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: overrides.query ?? `t=${token()}`,
    headers: { 'content-type': overrides.contentType ?? 'application/x-www-form-urlencoded', host: 'abc.lambda-url.eu-west-1.on.aws' },
    requestContext: { http: { method: overrides.method ?? 'POST', path: '/', sourceIp: '192.0.2.1' }, requestId: 'r1' },
    body: overrides.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: overrides.base64 ?? false,
  };
}

async function profile(userId = 'u_test0001'): Promise<Record<string, unknown>> {
  const user = await db.store.getUser(userId);
  return { paused: user?.paused, due: await db.store.usersDueAt(SLOT) };
}

beforeAll(async () => {
  db = await startTestStore();
});
afterAll(async () => {
  await db.stop();
});
beforeEach(async () => {
  await db.store.putUser(testUser(), SLOT);
  await db.store.putUser(testUser({ userId: 'u_other001', email: 'other@example.org', aliases: [] }), SLOT);
});

describe('POST with List-Unsubscribe=One-Click', () => {
  it('pauses the digest of the token’s user, takes them out of the due index, and answers 200 text without redirect', async () => {
    const res = await handleUnsubscribe(deps(), event());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers).not.toHaveProperty('location');
    expect(res.body).toBe(MESSAGES.done);
    expect(await profile()).toEqual({ paused: true, due: ['u_other001'] });
    expect((await db.store.getUser('u_other001'))?.paused).toBe(false);
  });

  it('accepts a base64-encoded body, as function URLs deliver form posts', async () => {
    const res = await handleUnsubscribe(deps(), event({ base64: true }));
    expect(res.statusCode).toBe(200);
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(true);
  });

  it('accepts multipart/form-data, which RFC 8058 also allows', async () => {
    const boundary = 'XyZ';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const res = await handleUnsubscribe(deps(), event({ body, contentType: `multipart/form-data; boundary=${boundary}` }));
    expect(res.statusCode).toBe(200);
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(true);
  });

  it('is idempotent: a second POST still answers 200', async () => {
    await handleUnsubscribe(deps(), event());
    const again = await handleUnsubscribe(deps(), event());
    expect(again.statusCode).toBe(200);
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(true);
  });

  it('answers 200 for a genuine token whose user was erased, and creates nothing', async () => {
    const res = await handleUnsubscribe(deps(), event({ query: `t=${token('u_gone0001')}` }));
    expect(res.statusCode).toBe(200);
    expect(await db.store.getUser('u_gone0001')).toBeNull();
  });
});

describe('bad requests change nothing', () => {
  const unchanged = async () => expect(await profile()).toEqual({ paused: false, due: ['u_other001', 'u_test0001'].sort() });

  it.each([
    ['an expired token', () => `t=${token('u_test0001', { expires: '2026-11-01T00:00:00.000Z' })}`, MESSAGES.expired],
    ['a token signed with another key', () => `t=${token('u_test0001', { secret: randomBytes(32) })}`, MESSAGES['bad-signature']],
    ['a reply token used as an unsubscribe token', () => `t=${token('u_test0001', { purpose: 'reply' })}`, MESSAGES['bad-signature']],
    ['garbage', () => 't=not-a-token!', MESSAGES.malformed],
    ['no token', () => '', MESSAGES.missingToken],
    ['an overlong token', () => `t=${'a'.repeat(5000)}`, MESSAGES.missingToken],
  ])('%s → 400 with a clear message', async (_name, query, message) => {
    const res = await handleUnsubscribe(deps(), event({ query: query() }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toBe(message);
    await unchanged();
  });

  it('a user id swapped into another user’s token fails the signature', async () => {
    // Same-length ids: rewrite the clear-text userId inside the victim's token, keep its MAC.
    const bytes = Buffer.from(base32Decode(token('u_other001'))!);
    const at = bytes.indexOf(Buffer.from('u_other001'));
    bytes.write('u_test0001', at);
    const forged = base32Encode(bytes);
    const res = await handleUnsubscribe(deps(), event({ query: `t=${forged}` }));
    expect(res.statusCode).toBe(400);
    await unchanged();
  });

  it('a POST without the one-click body → 400, even with a valid token', async () => {
    const res = await handleUnsubscribe(deps(), event({ body: 'hello=world' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toBe(MESSAGES.notOneClick);
    await unchanged();
  });

  it('other methods → 405 with Allow', async () => {
    const res = await handleUnsubscribe(deps(), event({ method: 'DELETE' }));
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    await unchanged();
  });

  it('an event that is not a function URL event → 400, logged', async () => {
    const res = await handleUnsubscribe(deps(), { Records: [] });
    expect(res.statusCode).toBe(400);
    expect(log.entries.some((e) => e.message === 'unsubscribe: invalid function URL event')).toBe(true);
    await unchanged();
  });
});

describe('GET shows a confirmation page and changes nothing', () => {
  it('renders a form that POSTs the one-click body back with the same token', async () => {
    const t = token();
    const res = await handleUnsubscribe(deps(), event({ method: 'GET', query: `t=${t}`, body: '' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain(`<form method="post" action="?t=${t}">`);
    expect(res.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(res.body).not.toMatch(/<script/i);
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(false);
  });

  it('answers a bad token with a 400 page, escaped', async () => {
    const res = await handleUnsubscribe(deps(), event({ method: 'GET', query: 't=zzzz', body: '' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('&quot;pause&quot;');
    expect((await db.store.getUser('u_test0001'))?.paused).toBe(false);
  });
});

describe('helpers', () => {
  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<img src=x onerror="alert(1)">&'`)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
  });

  it('the page escapes whatever token it is given', () => {
    expect(confirmationPage('"><script>')).not.toContain('<script>');
  });

  it('one-click detection ignores look-alikes', () => {
    const h = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(isOneClickBody({ body: 'List-Unsubscribe=One-Click', isBase64Encoded: false, headers: h })).toBe(true);
    expect(isOneClickBody({ body: 'List-Unsubscribe=One-Click-Not', isBase64Encoded: false, headers: h })).toBe(false);
    expect(isOneClickBody({ body: undefined, isBase64Encoded: false, headers: h })).toBe(false);
    expect(isOneClickBody({ body: `List-Unsubscribe=One-Click&${'x'.repeat(20_000)}`, isBase64Encoded: false, headers: h })).toBe(false);
  });
});

it('keeps the due index key name in sync with table-schema (the store clears it on pause)', () => {
  expect(DUE_INDEX.partitionKey).toBe('gsi1pk');
});
