import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainMail } from '../../functions/capture/capture-service.ts';
import { FIXTURES, hasFixtures, warnIfMissing } from '../support/fixtures.ts';

const KINDS = ['outgoing', 'note', 'reply', 'ignored', 'rejected'];
const dir = join(FIXTURES, 'mail');
const files = hasFixtures ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [];
warnIfMissing('real-world mail fixtures');

describe.skipIf(!hasFixtures)('explain over every real message in shared/fixtures/mail', () => {
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(150);
  });

  it.each(files)('%s gets a defined outcome without crashing', async (file) => {
    const out = await explainMail(readFileSync(join(dir, file)), file, { captureAddress: 'log@in.example.com' });
    expect(KINDS).toContain(out.kind);
    if (out.kind === 'rejected' || out.kind === 'ignored') expect(out.reason).toBeTruthy();
    for (const c of out.contacts) expect(c.email).toMatch(/^[^\s@<>]+@[a-z0-9.-]+\.[a-z]{2,}$/);
    expect(() => JSON.stringify(out)).not.toThrow();
  });
});

describe.skipIf(!hasFixtures)('addresses in real mail', () => {
  it('reads the group syntax recipients of a real message and never an undisclosed-recipients group as a contact', async () => {
    const withGroups = files.filter((f) => /undisclosed|group/i.test(readFileSync(join(dir, f), 'latin1').slice(0, 4000)));
    expect(withGroups.length).toBeGreaterThan(0);
    for (const f of withGroups) {
      const out = await explainMail(readFileSync(join(dir, f)), f, { captureAddress: 'log@in.example.com' });
      expect(out.contacts.map((c) => c.email).join(' ')).not.toMatch(/undisclosed/i);
    }
  });

  it('decodes encoded-word display names (koi8-r, iso-2022-jp…) into names, never into addresses', async () => {
    const russian = files.find((f) => f.includes('russian-headers'));
    expect(russian).toBeDefined();
    const out = await explainMail(readFileSync(join(dir, russian!)), russian!, { captureAddress: 'log@in.example.com' });
    for (const c of out.contacts) expect(c.email).not.toMatch(/=\?/);
  });
});
