/**
 * Address rules: what a valid address is, how it is normalised, and which addresses are never contacts.
 */

// A conservative addr-spec: dot-atom local part (or a quoted one without specials) and a hostname.
// Anything else (encoded words, group names, garbage) is not an address we record.
const LOCAL = /^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*|"[^"\\\r\n]{1,62}")$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Lower-cased address if it is a valid addr-spec, otherwise null. */
export function normalizeAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  // Old Outlook and Exchange quoted a bare address as a display name ('jane@acme.com'); exports and mbox files keep
  // the quotes where the address belongs. A local part that really starts with an apostrophe is unheard of.
  const s = raw.trim().replace(/^'+|'+$/g, '').replace(/^"([^"\s]+@[^"\s]+)"$/, '$1');
  if (s.length > 254) return null;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1).replace(/\.$/, '');
  if (local.length > 64 || !LOCAL.test(local) || !DOMAIN.test(domain)) return null;
  // Local parts are case-sensitive by the RFC but not by any provider a user writes to.
  return `${local.toLowerCase()}@${domain.toLowerCase()}`;
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

// Robots and role mailboxes that never answer as a person.
const ROBOT_LOCAL =
  /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_.]?daemon|postmaster|bounces?|notifications?|notify|alerts?|auto[-_.]?(?:reply|confirm)|daemon|root|abuse|unsubscribe|newsletter|news|marketing|billing|invoice|receipts?|system|automated|robot)(?:[-+_.].*)?$/i;
/**
 * Sending subdomains of mailing services. Not "mail.", "email." or "e.": people have addresses there
 * (bsitz@mail.utexas.edu, x@email.arizona.edu, y@e.ntu.edu.sg).
 */
const ROBOT_DOMAIN = /(?:^|\.)(?:bounces?|bounce-mail|mailer|em\d+|notifications?|reply|mg|sendgrid|mandrillapp|mcsv|amazonses|list-manage|mailchimp|sparkpostmail|postmarkapp)\.[a-z.]+$/i;

export function isRobotAddress(email: string): boolean {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (ROBOT_LOCAL.test(local)) return true;
  // Bulk senders' return-path style domains, e.g. bounces.example.com, em123.example.com.
  if (ROBOT_DOMAIN.test(domain) && domain.split('.').length > 2) return true;
  // VERP / SRS style locals.
  return /^(?:srs[01]=|bounce[-+=])/i.test(local);
}

/** Drop a display name that is empty, equal to the address, or itself looks like an address. */
export function cleanDisplayName(name: string | undefined, email: string): string | undefined {
  if (!name) return undefined;
  const n = name.replace(/\s+/g, ' ').replace(/^["'\s]+|["'\s]+$/g, '').trim();
  if (!n || n.toLowerCase() === email || n.includes('@') || n.length > 100) return undefined;
  return inGreetingOrder(n, email);
}

/** Words after a comma that end a name rather than start a first name: "Smith, Jr.", "Acme, Inc." */
const NAME_SUFFIX = /^(?:jr|sr|ii|iii|iv|phd|md|esq|inc|llc|ltd|gmbh|co|corp|plc|sa|ag)\.?$/i;
const NAME_WORDS = /^\p{L}[\p{L}\p{M}'’.-]*(?: \p{L}[\p{L}\p{M}'’.-]*){0,2}$/u;

/**
 * A name as the person would be greeted: company directories write "Doe, Jane" (Outlook, Exchange) and sometimes
 * "Doe Jane" where the address says jane.doe@…; the digest greets and matches notes by the first word.
 */
function inGreetingOrder(n: string, email: string): string {
  const comma = /^([^,]+), ([^,]+)$/u.exec(n);
  if (comma) {
    const [last, first] = [comma[1]!, comma[2]!];
    return NAME_WORDS.test(last) && NAME_WORDS.test(first) && !NAME_SUFFIX.test(first) ? `${first} ${last}` : n;
  }
  const two = /^(\p{L}[\p{L}\p{M}'’-]*) (\p{L}[\p{L}\p{M}'’-]*)$/u.exec(n);
  const local = email.slice(0, email.lastIndexOf('@')).toLowerCase().split(/[._-]/);
  if (two && local.length === 2 && local[0] === two[2]!.toLowerCase() && local[1] === two[1]!.toLowerCase()) return `${two[2]} ${two[1]}`;
  return n;
}
