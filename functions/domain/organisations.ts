/**
 * The organisation an address's domain names ("Acme" for jane@mail.acme.co.uk), or none for free-mail providers.
 * Apart from addresses.ts so that what only normalises addresses (send, feedback) does not load the provider lists.
 */
import commonProviders from 'email-providers/common.json' with { type: 'json' };
import allProviders from 'email-providers/all.json' with { type: 'json' };

const FREE_MAIL = new Set<string>([...(allProviders as string[]), ...(commonProviders as string[])]);

/** Free-mail and consumer providers (gmail.com, yahoo.co.uk, …) say nothing about an organisation. */
export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL.has(domain.toLowerCase());
}

// Second-level labels under which registrable names sit (acme.co.uk, acme.com.au).
const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ne', 'or', 'go']);

/** "Acme" from jane@mail.acme.co.uk; undefined for free-mail domains. */
export function organisationFromDomain(domain: string): string | undefined {
  const d = domain.toLowerCase();
  if (isFreeMailDomain(d)) return undefined;
  const labels = d.split('.');
  if (labels.length < 2) return undefined;
  let i = labels.length - 2;
  if (labels.length >= 3 && SECOND_LEVEL.has(labels[i]!) && labels[labels.length - 1]!.length === 2) i -= 1;
  const name = labels[i];
  if (!name) return undefined;
  return name
    .split('-')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}
