/**
 * What SES's receipt says about who sent a mail. A mail counts as authenticated for a From domain when
 * DMARC passed, or — where that domain publishes no DMARC policy (verdict GRAY) — when SPF or DKIM passed
 * for that same domain (aligned). From: alone proves nothing.
 */
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
  /** The domain of the header From, as SES saw it. */
  readonly fromDomain: string | null;
  /** Authentication-Results header values SES added. */
  readonly authenticationResults: readonly string[];
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

function authVerdict({ receipt, mailFrom, fromDomain, authenticationResults }: SesAuthInput): Envelope['auth'] {
  if (!fromDomain) return { verdict: 'unauthenticated', detail: 'no From domain' };
  const dmarc = receipt.dmarcVerdict.status;
  if (dmarc === 'PASS') return { verdict: 'authenticated', domain: fromDomain, detail: 'DMARC pass' };
  if (dmarc === 'FAIL') return { verdict: 'unauthenticated', detail: 'DMARC fail' };
  // No DMARC policy to evaluate: accept SPF or DKIM only when aligned with the From domain.
  if (receipt.spfVerdict.status === 'PASS' && aligned(domainOf(mailFrom), fromDomain)) {
    return { verdict: 'authenticated', domain: fromDomain, detail: 'SPF pass, aligned' };
  }
  if (receipt.dkimVerdict.status === 'PASS' && dkimDomains(authenticationResults).some((d) => aligned(d, fromDomain))) {
    return { verdict: 'authenticated', domain: fromDomain, detail: 'DKIM pass, aligned' };
  }
  return { verdict: 'unauthenticated', detail: `DMARC ${dmarc}, SPF ${receipt.spfVerdict.status}, DKIM ${receipt.dkimVerdict.status}: nothing aligned with ${fromDomain}` };
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
