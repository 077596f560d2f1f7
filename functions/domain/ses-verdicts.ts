/**
 * What SES's receipt says about who sent a mail. A mail counts as authenticated for its From domain when:
 * - it has exactly one From header holding exactly one mailbox (with two, a verdict for one could vouch for the
 *   other: `From: victim, attacker` with a DMARC pass for the attacker's domain), and
 * - SES's DMARC pass names that very domain (`dmarc=pass header.from=<domain>` in SES's Authentication-Results),
 *   or, where the domain publishes no DMARC policy (verdict GRAY), a DKIM signature of that domain passed.
 *   SPF alone (the envelope sender's domain) counts only if the operator opted in: without DMARC nothing ties
 *   the envelope to the From header a reader sees, and SPF survives no forwarding.
 * From: alone proves nothing. Authorisation is per domain: see docs/design.md ("Who may write into an account").
 */
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { normalizeAddress } from './addresses.ts';
import type { Envelope } from './classify.ts';

type Status = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

export interface SesReceiptVerdicts {
  readonly recipients: readonly string[];
  readonly spamVerdict: { status: Status };
  readonly virusVerdict: { status: Status };
  readonly spfVerdict: { status: Status };
  readonly dkimVerdict: { status: Status };
  readonly dmarcVerdict: { status: Status };
}

export interface SesAuthInput {
  readonly receipt: SesReceiptVerdicts;
  /** Envelope sender (MAIL FROM), SES's `mail.source`. */
  readonly mailFrom: string;
  /** Every From header value SES saw (its `mail.headers`, else `commonHeaders.from`). */
  readonly fromHeaders: readonly string[];
  /** Authentication-Results header values SES added. */
  readonly authenticationResults: readonly string[];
  /** Accept an aligned SPF pass for domains without DMARC (operator's choice; see docs/deploy.md). @default false */
  readonly allowSpfOnly?: boolean;
}

export function sesEnvelope(input: SesAuthInput): Envelope {
  const { receipt } = input;
  return {
    recipients: receipt.recipients,
    spam: receipt.spamVerdict.status,
    virus: receipt.virusVerdict.status,
    auth: authVerdict(input),
  };
}

function authVerdict({ receipt, mailFrom, fromHeaders, authenticationResults, allowSpfOnly }: SesAuthInput): Envelope['auth'] {
  const from = singleFromDomain(fromHeaders);
  if ('refused' in from) return { verdict: 'unauthenticated', detail: from.refused };
  const fromDomain = from.domain;
  const dmarc = receipt.dmarcVerdict.status;
  if (dmarc === 'PASS') {
    // SES's verdict is for the domain it names in header.from; it vouches for this From only if that is its domain.
    const passed = dmarcPassDomains(authenticationResults);
    if (passed.includes(fromDomain)) return { verdict: 'authenticated', domain: fromDomain, detail: 'DMARC pass' };
    return { verdict: 'unauthenticated', detail: `DMARC passed for ${passed.join(', ') || 'no named domain'}, not for the From domain ${fromDomain}` };
  }
  if (dmarc === 'FAIL') return { verdict: 'unauthenticated', detail: 'DMARC fail' };
  // No DMARC policy to evaluate: a DKIM signature of the From domain, or (if opted in) an aligned SPF pass.
  if (receipt.dkimVerdict.status === 'PASS' && dkimDomains(authenticationResults).some((d) => aligned(d, fromDomain))) {
    return { verdict: 'authenticated', domain: fromDomain, detail: 'DKIM pass, aligned' };
  }
  const spfAligned = receipt.spfVerdict.status === 'PASS' && aligned(domainOf(mailFrom), fromDomain);
  if (spfAligned && allowSpfOnly) return { verdict: 'authenticated', domain: fromDomain, detail: 'SPF pass, aligned (SPF-only allowed)' };
  if (spfAligned) {
    return { verdict: 'unauthenticated', detail: `${fromDomain} publishes no DMARC and only SPF passed; SPF-only senders are refused unless the operator allows them` };
  }
  return { verdict: 'unauthenticated', detail: `DMARC ${dmarc}, SPF ${receipt.spfVerdict.status}, DKIM ${receipt.dkimVerdict.status}: nothing aligned with ${fromDomain}` };
}

/** The From domain when there is exactly one From header with exactly one mailbox; otherwise why not. */
export function singleFromDomain(fromHeaders: readonly string[]): { domain: string } | { refused: string } {
  if (fromHeaders.length === 0) return { refused: 'no From header' };
  if (fromHeaders.length > 1) return { refused: `${fromHeaders.length} From headers; exactly one is accepted` };
  const mailboxes = addressparser(fromHeaders[0]!, { flatten: true });
  if (mailboxes.length !== 1) return { refused: `${mailboxes.length} mailboxes in From; exactly one is accepted` };
  const email = normalizeAddress(mailboxes[0]!.address);
  return email ? { domain: email.slice(email.lastIndexOf('@') + 1) } : { refused: 'From holds no valid address' };
}

/** Domains SES reports a DMARC pass for: `dmarc=pass … header.from=example.com`. */
export function dmarcPassDomains(headers: readonly string[]): string[] {
  const out: string[] = [];
  for (const h of headers) {
    for (const m of h.matchAll(/\bdmarc=pass\b[^;]*?\bheader\.from=([a-z0-9.-]{1,253})/gi)) out.push(m[1]!.toLowerCase().replace(/\.$/, ''));
  }
  return out;
}

/** Relaxed alignment: the same domain, or one a subdomain of the other. */
export function aligned(a: string | null, b: string): boolean {
  if (!a) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** Signing domains of passing DKIM signatures: `dkim=pass header.d=example.com` or `header.i=@example.com`. */
export function dkimDomains(headers: readonly string[]): string[] {
  const out: string[] = [];
  for (const h of headers) {
    for (const m of h.matchAll(/dkim=pass\b[^;]*?header\.(?:d=|i=[^@\s;]*@)([a-z0-9.-]{1,253})/gi)) out.push(m[1]!.toLowerCase());
  }
  return out;
}

function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).replace(/>$/, '').toLowerCase() : null;
}
