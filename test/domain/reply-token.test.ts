import { describe, expect, it } from 'vitest';
import { newUserId } from '../../functions/domain/users.ts';
import {
  base32Decode,
  base32Encode,
  MAX_TOKEN_LENGTH,
  parseReplyAddress,
  purposeOfAddress,
  replyAddress,
  signReplyToken,
  verifyReplyToken,
} from '../../functions/domain/reply-token.ts';

const SECRET = new Uint8Array(Buffer.from('4f1c0a9e7b3d5c2a8e6f0b1d3c5a7e9f2b4d6c8a0e1f3b5d7c9a2e4f6b8d0c1a', 'hex'));
const OTHER_SECRET = new Uint8Array(Buffer.from('0'.repeat(63) + '1', 'hex'));
const CLAIMS = { userId: 'u_ab12cd34', digestId: '2026-11-30', expires: '2027-01-31T00:00:00.000Z' } as const;
const BEFORE_EXPIRY = new Date('2026-12-01T09:00:00.000Z');

/** Replaces the bytes of `from` inside the token's payload with `to` (same length) and re-encodes, keeping the MAC. */
function splice(token: string, from: string, to: string): string {
  const bytes = Buffer.from(base32Decode(token) ?? new Uint8Array());
  const at = bytes.indexOf(Buffer.from(from));
  expect(at, `payload should contain ${from}`).toBeGreaterThanOrEqual(0);
  Buffer.from(to).copy(bytes, at);
  return base32Encode(bytes);
}

describe('reply token', () => {
  it('round-trips the claims of a digest reply address', () => {
    const token = signReplyToken(SECRET, CLAIMS);
    expect(verifyReplyToken(SECRET, token, BEFORE_EXPIRY)).toEqual({ ok: true, claims: { ...CLAIMS, purpose: 'reply' } });
  });

  it('is lower-case base32 and fits a mail local part after reply+', () => {
    const token = signReplyToken(SECRET, CLAIMS);
    expect(token).toMatch(/^[a-z2-7]+$/);
    expect(`reply+${token}`.length).toBeLessThanOrEqual(64);
  });

  it('carries a digest id that is not an ISO day', () => {
    const claims = { ...CLAIMS, digestId: 'd_7f3a9c' };
    const verdict = verifyReplyToken(SECRET, signReplyToken(SECRET, claims), BEFORE_EXPIRY);
    expect(verdict).toEqual({ ok: true, claims: { ...claims, purpose: 'reply' } });
  });

  it('keeps expiry to the minute, rounding down so a token never outlives what was asked', () => {
    const token = signReplyToken(SECRET, { ...CLAIMS, expires: '2027-01-31T10:20:59.999Z' });
    const verdict = verifyReplyToken(SECRET, token, BEFORE_EXPIRY);
    expect(verdict.ok && verdict.claims.expires).toBe('2027-01-31T10:20:00.000Z');
  });

  it('still verifies after a mail system folds the address to lower or upper case', () => {
    const token = signReplyToken(SECRET, CLAIMS);
    expect(verifyReplyToken(SECRET, token.toLowerCase(), BEFORE_EXPIRY).ok).toBe(true);
    expect(verifyReplyToken(SECRET, token.toUpperCase(), BEFORE_EXPIRY).ok).toBe(true);
  });

  it('rejects a change to any single character', () => {
    const token = signReplyToken(SECRET, CLAIMS);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    for (let i = 0; i < token.length; i++) {
      const ch = token[i] ?? 'a';
      const other = alphabet[(alphabet.indexOf(ch) + 1) % alphabet.length] ?? 'a';
      const tampered = token.slice(0, i) + other + token.slice(i + 1);
      const verdict = verifyReplyToken(SECRET, tampered, BEFORE_EXPIRY);
      expect(verdict.ok, `position ${i}`).toBe(false);
    }
  });

  it('rejects a token whose userId was swapped for another user, as a bad signature', () => {
    const token = signReplyToken(SECRET, CLAIMS);
    const swapped = splice(token, 'u_ab12cd34', 'u_ff99ee88');
    expect(verifyReplyToken(SECRET, swapped, BEFORE_EXPIRY)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it("does not let one user's MAC stand for another user's token", () => {
    const mine = Buffer.from(base32Decode(signReplyToken(SECRET, CLAIMS)) ?? []);
    const theirs = Buffer.from(base32Decode(signReplyToken(SECRET, { ...CLAIMS, userId: 'u_ff99ee88' })) ?? []);
    // Their payload with my MAC: same digest and expiry, only the user differs.
    const forged = Buffer.concat([theirs.subarray(0, theirs.length - 10), mine.subarray(mine.length - 10)]);
    expect(verifyReplyToken(SECRET, base32Encode(forged), BEFORE_EXPIRY)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a token moved to another digest or given a later expiry', () => {
    const token = signReplyToken(SECRET, { ...CLAIMS, digestId: 'd_aaaa' });
    expect(verifyReplyToken(SECRET, splice(token, 'd_aaaa', 'd_aaab'), BEFORE_EXPIRY)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const bytes = Buffer.from(base32Decode(token) ?? []);
    bytes.writeUInt32BE(bytes.readUInt32BE(1) + 60 * 24 * 365, 1);
    expect(verifyReplyToken(SECRET, base32Encode(bytes), BEFORE_EXPIRY)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('expires at the expiry instant and not a millisecond before', () => {
    const token = signReplyToken(SECRET, CLAIMS);
    const expiry = Date.parse(CLAIMS.expires);
    expect(verifyReplyToken(SECRET, token, new Date(expiry - 1)).ok).toBe(true);
    expect(verifyReplyToken(SECRET, token, new Date(expiry))).toEqual({ ok: false, reason: 'expired', claims: { ...CLAIMS, purpose: 'reply' } });
  });

  it('reports a forged expired token as a bad signature, not as expired', () => {
    const token = signReplyToken(OTHER_SECRET, CLAIMS);
    expect(verifyReplyToken(SECRET, token, new Date('2030-01-01T00:00:00Z'))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('does not verify under another secret', () => {
    const token = signReplyToken(OTHER_SECRET, CLAIMS);
    expect(verifyReplyToken(SECRET, token, BEFORE_EXPIRY)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('keeps unsubscribe and reply tokens apart', () => {
    const unsubscribe = signReplyToken(SECRET, { ...CLAIMS, purpose: 'unsubscribe' });
    const reply = signReplyToken(SECRET, CLAIMS);
    expect(unsubscribe).not.toBe(reply);
    expect(verifyReplyToken(SECRET, unsubscribe, BEFORE_EXPIRY)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyReplyToken(SECRET, reply, BEFORE_EXPIRY, { purpose: 'unsubscribe' })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const verdict = verifyReplyToken(SECRET, unsubscribe, BEFORE_EXPIRY, { purpose: 'unsubscribe' });
    expect(verdict.ok && verdict.claims.purpose).toBe('unsubscribe');
  });

  it.each([
    ['empty', ''],
    ['not base32', 'hello-world!'],
    ['base32 with 0/1/8/9', 'abcd0189'],
    ['too short to hold a MAC', 'aaaaaaaa'],
    ['longer than a local part allows', 'a'.repeat(MAX_TOKEN_LENGTH + 1)],
  ])('calls a %s token malformed', (_, token) => {
    expect(verifyReplyToken(SECRET, token, BEFORE_EXPIRY)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('calls a truncated token malformed or a bad signature, never valid', () => {
    const token = signReplyToken(SECRET, CLAIMS);
    for (let cut = 1; cut < token.length; cut++) {
      expect(verifyReplyToken(SECRET, token.slice(0, token.length - cut), BEFORE_EXPIRY).ok, `cut ${cut}`).toBe(false);
    }
  });

  it('calls a token of an unknown version malformed', () => {
    const bytes = Buffer.from(base32Decode(signReplyToken(SECRET, CLAIMS)) ?? []);
    bytes[0] = 2;
    expect(verifyReplyToken(SECRET, base32Encode(bytes), BEFORE_EXPIRY)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts one spelling per token: non-zero padding bits are malformed', () => {
    const token = signReplyToken(SECRET, CLAIMS);
    const bits = (token.length * 5) % 8;
    expect(bits, 'the sample token must end in padding bits').toBeGreaterThan(0);
    const last = token.at(-1) ?? 'a';
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const flipped = token.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] ?? 'a');
    expect(verifyReplyToken(SECRET, flipped, BEFORE_EXPIRY)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a weak secret and claims that cannot fit, loudly', () => {
    expect(() => signReplyToken(new Uint8Array(16), CLAIMS)).toThrow(/at least 32 bytes/);
    expect(() => verifyReplyToken(new Uint8Array(16), 'abc', BEFORE_EXPIRY)).toThrow(/at least 32 bytes/);
    expect(() => signReplyToken(SECRET, { ...CLAIMS, digestId: 'digest-0123456789abcdef' })).toThrow(/max 58/);
    expect(() => signReplyToken(SECRET, { ...CLAIMS, expires: 'next week' })).toThrow(/not an ISO date/);
  });
});

describe('base32', () => {
  it('round-trips every length of bytes', () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff);
    for (let n = 0; n <= bytes.length; n++) {
      const slice = bytes.subarray(0, n);
      expect(base32Decode(base32Encode(slice)), `length ${n}`).toEqual(slice);
    }
  });

  it('matches RFC 4648 test vectors (lower-cased, unpadded)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('mzxw6ytboi');
    expect(base32Encode(Buffer.from('f'))).toBe('my');
  });
});

describe('reply address', () => {
  const token = signReplyToken(SECRET, CLAIMS);

  it('puts the token in the local part of the capture domain and gets it back', () => {
    const address = replyAddress(token, 'in.example.com');
    expect(address).toBe(`reply+${token}@in.example.com`);
    expect(parseReplyAddress(address, 'in.example.com')).toBe(token);
  });

  it('gives an unsubscribe token its own equally short prefix, and keeps the two apart', () => {
    const unsub = signReplyToken(SECRET, { ...CLAIMS, purpose: 'unsubscribe' });
    const address = replyAddress(unsub, 'in.example.com', 'unsubscribe');
    expect(address).toBe(`unsub+${unsub}@in.example.com`);
    expect(purposeOfAddress(address)).toBe('unsubscribe');
    expect(purposeOfAddress(replyAddress(token, 'in.example.com'))).toBe('reply');
    expect(parseReplyAddress(address, 'in.example.com', 'unsubscribe')).toBe(unsub);
    expect(parseReplyAddress(address, 'in.example.com')).toBeNull();
  });

  it('fits both addresses in a 64-octet local part for a real user id', () => {
    const longest = { ...CLAIMS, userId: newUserId(), digestId: '2026-11-30' };
    for (const purpose of ['reply', 'unsubscribe'] as const) {
      const local = replyAddress(signReplyToken(SECRET, { ...longest, purpose }), 'in.example.com', purpose).split('@')[0]!;
      expect(local.length).toBeLessThanOrEqual(64);
    }
  });

  it('finds the token in any case and inside a display name', () => {
    expect(parseReplyAddress(`"Nurture" <REPLY+${token.toUpperCase()}@IN.Example.com>`, 'in.example.com')).toBe(token);
  });

  it.each([
    ['another domain', `reply+${token}@example.com`],
    ['a look-alike domain', `reply+${token}@in.example.com.evil.test`],
    ['no reply+ tag', `${token}@in.example.com`],
    ['another tag', `log+${token}@in.example.com`],
    ['an empty token', 'reply+@in.example.com'],
    ['characters base32 never uses', 'reply+abc0def@in.example.com'],
    ['no domain', `reply+${token}`],
  ])('ignores %s', (_, address) => {
    expect(parseReplyAddress(address, 'in.example.com')).toBeNull();
  });
});
