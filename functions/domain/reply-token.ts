/**
 * Signed tokens for the digest's Reply-To address (`reply+<token>@<capture domain>`) and for unsubscribe links.
 *
 * A token is `base32(payload || mac)`, lower-case, no padding, where
 *   payload = version(1) · expiry minutes since epoch (uint32 BE) · len(userId)(1) · userId · digest(…)
 *   digest  = 0xFF · days since epoch (uint16 BE)   when the digestId is an ISO day (the week it was sent for), else
 *             len(digestId)(1) · digestId bytes
 *   mac     = HMAC-SHA256(key, payload) truncated to MAC_BYTES
 *   key     = HKDF-SHA256(master secret, salt = KEY_SALT, info = purpose · 0x00 · userId)
 *
 * The userId travels in clear so the verifier knows whose key to derive; swapping it changes the key, so the MAC
 * fails. The purpose is never in the token, only in the key derivation: an unsubscribe token verified as a reply
 * token (or the other way round) is simply a bad signature.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'reply' | 'unsubscribe';

export interface ReplyTokenClaims {
  readonly userId: string;
  /** The digest being answered: its week (ISO day, packed into 2 bytes) or any short id. */
  readonly digestId: string;
  /** ISO instant; kept at minute precision (rounded down, so a token never lives longer than asked). */
  readonly expires: string;
}

export interface VerifiedReplyToken extends ReplyTokenClaims {
  readonly purpose: TokenPurpose;
}

export type ReplyTokenRejection = 'malformed' | 'bad-signature' | 'expired';

export type ReplyTokenVerdict =
  | { readonly ok: true; readonly claims: VerifiedReplyToken }
  /** Authentic but past its date: the claims are genuine, for callers that still accept some things from it. */
  | { readonly ok: false; readonly reason: 'expired'; readonly claims: VerifiedReplyToken }
  | { readonly ok: false; readonly reason: Exclude<ReplyTokenRejection, 'expired'> };

/**
 * A digest's item numbers can be acted on by reply for this long (answering last week's digest acts on last week's
 * items); after that its token still carries settings such as "resume".
 */
export const REPLY_TOKEN_WEEKS = 5;
/** An unsubscribe link keeps working this long (RFC 8058 asks for links that work for a long time). */
export const UNSUBSCRIBE_TOKEN_DAYS = 400;

const VERSION = 1;
/** 80 bits: an attacker gets one guess per mail delivered, so this is far beyond reach; longer would crowd the local part. */
const MAC_BYTES = 10;
const MIN_SECRET_BYTES = 32;
const KEY_SALT = Buffer.from('nurture/reply-token/v1');
const ISO_DAY_TAG = 0xff;
/** The local part's prefix per purpose: equally short, so every token that fits one address fits the other. */
const PREFIX: Readonly<Record<TokenPurpose, string>> = { reply: 'reply+', unsubscribe: 'unsub+' };
/** RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. */
const MAX_LOCAL_PART = 64;
export const MAX_TOKEN_LENGTH = MAX_LOCAL_PART - Math.max(...Object.values(PREFIX).map((p) => p.length));

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// base32 (RFC 4648 alphabet, lower-case, unpadded). Lower-case because mail systems fold local parts to lower case.

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes case-insensitively; null for foreign characters or non-canonical trailing bits (one token, one spelling). */
export function base32Decode(text: string): Uint8Array | null {
  const lower = text.toLowerCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of lower) {
    const value = BASE32.indexOf(ch);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits >= 5 || buffer !== 0) return null;
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------------------------

function assertSecret(secret: Uint8Array): void {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new RangeError(`reply token secret must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.length}`);
  }
}

function userKey(secret: Uint8Array, purpose: TokenPurpose, userId: string): Buffer {
  const info = Buffer.concat([Buffer.from(purpose), Buffer.from([0]), Buffer.from(userId, 'utf8')]);
  return Buffer.from(hkdfSync('sha256', secret, KEY_SALT, info, 32));
}

function macOf(secret: Uint8Array, purpose: TokenPurpose, userId: string, payload: Uint8Array): Buffer {
  return createHmac('sha256', userKey(secret, purpose, userId)).update(payload).digest().subarray(0, MAC_BYTES);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function isoDayToEpochDays(day: string): number | null {
  if (!ISO_DAY.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) return null;
  const days = ms / DAY_MS;
  return days >= 0 && days <= 0xffff ? days : null;
}

function encodeDigestId(digestId: string): Buffer {
  const days = isoDayToEpochDays(digestId);
  if (days !== null) {
    const out = Buffer.alloc(3);
    out[0] = ISO_DAY_TAG;
    out.writeUInt16BE(days, 1);
    return out;
  }
  const bytes = Buffer.from(digestId, 'utf8');
  if (bytes.length >= ISO_DAY_TAG) throw new RangeError('digestId too long for a reply token');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function encodePayload(claims: ReplyTokenClaims): Buffer {
  const expiresMs = Date.parse(claims.expires);
  if (Number.isNaN(expiresMs)) throw new RangeError(`reply token expiry is not an ISO date: ${claims.expires}`);
  const minutes = Math.floor(expiresMs / MINUTE_MS);
  if (minutes < 0 || minutes > 0xffffffff) throw new RangeError(`reply token expiry out of range: ${claims.expires}`);
  const userId = Buffer.from(claims.userId, 'utf8');
  if (userId.length === 0 || userId.length > 0xff) throw new RangeError('reply token userId must be 1–255 bytes');
  const head = Buffer.alloc(6);
  head[0] = VERSION;
  head.writeUInt32BE(minutes, 1);
  head[5] = userId.length;
  return Buffer.concat([head, userId, encodeDigestId(claims.digestId)]);
}

interface DecodedPayload {
  readonly claims: ReplyTokenClaims;
  readonly payload: Uint8Array;
  readonly mac: Uint8Array;
}

function decodeToken(token: string): DecodedPayload | null {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const bytes = base32Decode(token);
  if (!bytes || bytes.length < 6 + 1 + 1 + MAC_BYTES) return null;
  const buf = Buffer.from(bytes);
  const payload = buf.subarray(0, buf.length - MAC_BYTES);
  const mac = buf.subarray(buf.length - MAC_BYTES);
  if (payload[0] !== VERSION) return null;
  const minutes = payload.readUInt32BE(1);
  const userLength = payload[5] ?? 0;
  let at = 6;
  if (userLength === 0 || at + userLength > payload.length) return null;
  const userId = payload.subarray(at, at + userLength).toString('utf8');
  at += userLength;
  const tag = payload[at];
  if (tag === undefined) return null;
  let digestId: string;
  if (tag === ISO_DAY_TAG) {
    if (at + 3 !== payload.length) return null;
    digestId = new Date(payload.readUInt16BE(at + 1) * DAY_MS).toISOString().slice(0, 10);
  } else {
    if (at + 1 + tag !== payload.length) return null;
    digestId = payload.subarray(at + 1).toString('utf8');
  }
  return { claims: { userId, digestId, expires: new Date(minutes * MINUTE_MS).toISOString() }, payload, mac };
}

/**
 * Signs claims into a token that fits a mail local part after `reply+` and survives lower-casing.
 * Throws RangeError when the secret is weak or the claims cannot fit (a programming error, not user input).
 */
export function signReplyToken(
  secret: Uint8Array,
  claims: ReplyTokenClaims & { readonly purpose?: TokenPurpose },
): string {
  assertSecret(secret);
  const purpose = claims.purpose ?? 'reply';
  const payload = encodePayload(claims);
  const token = base32Encode(Buffer.concat([payload, macOf(secret, purpose, claims.userId, payload)]));
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new RangeError(
      `reply token would be ${token.length} chars (max ${MAX_TOKEN_LENGTH}): shorten userId or digestId`,
    );
  }
  return token;
}

/** Checks shape, then signature (constant-time), then expiry against `now`; purpose defaults to 'reply'. */
export function verifyReplyToken(
  secret: Uint8Array,
  token: string,
  now: Date,
  options: { readonly purpose?: TokenPurpose } = {},
): ReplyTokenVerdict {
  assertSecret(secret);
  const purpose = options.purpose ?? 'reply';
  const decoded = decodeToken(token.trim());
  if (!decoded) return { ok: false, reason: 'malformed' };
  const expected = macOf(secret, purpose, decoded.claims.userId, decoded.payload);
  if (!timingSafeEqual(expected, decoded.mac)) return { ok: false, reason: 'bad-signature' };
  if (now.getTime() >= Date.parse(decoded.claims.expires)) return { ok: false, reason: 'expired', claims: { ...decoded.claims, purpose } };
  return { ok: true, claims: { ...decoded.claims, purpose } };
}

/** `reply+TOKEN@captureDomain`, or `unsub+TOKEN@…` for an unsubscribe token. */
export function replyAddress(token: string, captureDomain: string, purpose: TokenPurpose = 'reply'): string {
  return `${PREFIX[purpose]}${token}@${captureDomain.toLowerCase()}`;
}

/** The purpose an address on the capture domain is for, by its prefix (`reply+`, `unsub+`), or null. */
export function purposeOfAddress(address: string): TokenPurpose | null {
  const local = address.trim().toLowerCase();
  return (Object.keys(PREFIX) as TokenPurpose[]).find((p) => local.startsWith(PREFIX[p])) ?? null;
}

/**
 * The token from `reply+TOKEN@captureDomain` (or `unsub+…` for that purpose; also inside `Name <…>`), lower-cased;
 * null for any other address. Only extracts: the caller still verifies.
 */
export function parseReplyAddress(address: string, captureDomain: string, purpose: TokenPurpose = 'reply'): string | null {
  const trimmed = address.trim();
  const angle = /<([^<>]*)>\s*$/.exec(trimmed);
  const spec = (angle?.[1] ?? trimmed).trim().toLowerCase();
  const at = spec.lastIndexOf('@');
  if (at < 0 || spec.slice(at + 1) !== captureDomain.trim().toLowerCase()) return null;
  const local = spec.slice(0, at);
  if (!local.startsWith(PREFIX[purpose])) return null;
  const token = local.slice(PREFIX[purpose].length);
  return token.length > 0 && token.length <= MAX_TOKEN_LENGTH && /^[a-z2-7]+$/.test(token) ? token : null;
}
