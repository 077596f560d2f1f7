/** The SES verdict on its own: which From it vouches for, given what SES reported. */
import { describe, expect, it } from 'vitest';
import { sesEnvelope, type SesReceiptVerdicts } from '#domain/ses-verdicts';

const receipt = (dmarc: string, spf = 'PASS', dkim = 'PASS'): SesReceiptVerdicts =>
  ({
    recipients: ['log@in.nurture.test'],
    spamVerdict: { status: 'PASS' },
    virusVerdict: { status: 'PASS' },
    spfVerdict: { status: spf },
    dkimVerdict: { status: dkim },
    dmarcVerdict: { status: dmarc },
  }) as SesReceiptVerdicts;
const PASS_FOR = (d: string) => `amazonses.com; spf=pass smtp.mailfrom=${d}; dkim=pass header.i=@${d}; dmarc=pass header.from=${d};`;

describe('sesEnvelope', () => {
  it('vouches for the one From domain SES names in its DMARC pass', () => {
    const e = sesEnvelope({ receipt: receipt('PASS'), mailFrom: 'me@example.org', fromHeaders: ['Me <me@example.org>'], authenticationResults: [PASS_FOR('example.org')] });
    expect(e.auth).toEqual({ verdict: 'authenticated', domain: 'example.org', detail: 'DMARC pass' });
  });

  it.each([
    ['two mailboxes in one From', ['me@example.org, mallory@evil.net'], /2 mailboxes in From/],
    ['two From headers', ['me@example.org', 'mallory@evil.net'], /2 From headers/],
    ['a group with two members', ['team: me@example.org, mallory@evil.net;'], /2 mailboxes in From/],
    ['no From', [], /no From header/],
  ])('refuses %s, whatever passed', (_, fromHeaders, why) => {
    const e = sesEnvelope({ receipt: receipt('PASS'), mailFrom: 'mallory@evil.net', fromHeaders, authenticationResults: [PASS_FOR('evil.net')] });
    expect(e.auth.verdict).toBe('unauthenticated');
    expect(e.auth.detail).toMatch(why);
  });

  it('refuses a DMARC pass for another domain, or one that names no domain', () => {
    const other = sesEnvelope({ receipt: receipt('PASS'), mailFrom: 'x@evil.net', fromHeaders: ['me@example.org'], authenticationResults: [PASS_FOR('evil.net')] });
    expect(other.auth).toMatchObject({ verdict: 'unauthenticated', detail: 'DMARC passed for evil.net, not for the From domain example.org' });
    const unnamed = sesEnvelope({ receipt: receipt('PASS'), mailFrom: 'me@example.org', fromHeaders: ['me@example.org'], authenticationResults: [] });
    expect(unnamed.auth.verdict).toBe('unauthenticated');
  });

  it('without DMARC: refuses SPF-only unless allowed, and never SPF for another domain', () => {
    const input = { receipt: receipt('GRAY', 'PASS', 'GRAY'), mailFrom: 'bounce@mail.example.org', fromHeaders: ['me@example.org'], authenticationResults: ['amazonses.com; spf=pass; dmarc=none header.from=example.org;'] };
    expect(sesEnvelope(input).auth).toMatchObject({ verdict: 'unauthenticated', detail: expect.stringContaining('SPF-only') });
    expect(sesEnvelope({ ...input, allowSpfOnly: true }).auth).toMatchObject({ verdict: 'authenticated', domain: 'example.org' });
    expect(sesEnvelope({ ...input, mailFrom: 'x@evil.net', allowSpfOnly: true }).auth.verdict).toBe('unauthenticated');
  });
});
