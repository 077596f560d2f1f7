import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMail } from '../support/mail.ts';
import { mboxEntry } from '../support/mbox.ts';

// The command as it ships: bin/nurture.js running the build in dist/cli/ (made by the test run's global setup).
const BIN = resolve(import.meta.dirname, '../../bin/nurture.js');
let dir: string;

/**
 * One run of the command that opens the store takes about half a second on an idle machine (bench/README.md); the
 * budget allows a machine fifty times slower (a full suite on the shared 2-core machine beside other suites).
 * Each test's timeout is its number of runs times this.
 */
const RUN_BUDGET_MS = 25_000;
const runs = (n: number): number => n * RUN_BUDGET_MS;

function nurture(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [BIN, '--data', join(dir, 'data'), ...args], { encoding: 'utf8', env: { ...process.env, NURTURE_CAPTURE: 'log@in.example.com' }, timeout: RUN_BUDGET_MS });
  if (r.error) throw new Error(`nurture ${args.join(' ')}: ${r.error.message}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nurture-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the nurture CLI, as a user runs it', () => {
  it('registers a user, rejects a bad time zone, and refuses a second registration', () => {
    const ok = nurture('users', 'add', 'me@example.com', '--alias', 'me@work.example', '--name', 'Me', '--tz', 'Europe/Berlin');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Registered me@example.com/);
    const bad = nurture('users', 'add', 'x@example.com', '--tz', 'Mars/Olympus');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/time zone/);
    const again = nurture('users', 'add', 'me@example.com');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already registered/);
  }, runs(3));

  it('changes settings with `users set`, validating them', () => {
    const bad = nurture('users', 'set', 'me@example.com', '--checkins', '11');
    expect(bad.status).toBe(1);
    const ok = nurture('users', 'set', 'me@example.com', '--checkins', '5', '--confirmations', 'off', '--day', '3', '--hour', '7');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/digest on Wednesday at 07:00 Europe\/Berlin, 5 check-ins, at most 7 items, confirmations off/);
    const [me] = JSON.parse(nurture('users', 'list', '--json').stdout) as { checkins: number; confirmations: boolean; digestDay: number }[];
    expect(me).toMatchObject({ checkins: 5, confirmations: false, digestDay: 3 });
  }, runs(3));

  it('explains a note and a BCC’d mail with the JSON contract', async () => {
    const note = join(dir, 'note.eml');
    writeFileSync(note, await composeMail({ from: 'me@example.com', to: 'log@in.example.com', subject: 'met', text: 'Met Jane Doe <jane@acme.com> at the meetup.' }));
    const sent = join(dir, 'sent.eml');
    writeFileSync(sent, await composeMail({ from: 'me@example.com', to: 'Ana <ana@corp.io>', subject: 'hi', text: 'Hello Ana', messageId: '<cli1@example.com>' }));
    const r = nurture('explain', note, sent, '--json');
    expect(r.status).toBe(0);
    const [n, s] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(n).toMatchObject({ kind: 'note', contacts: [{ email: 'jane@acme.com', name: 'Jane Doe' }] });
    expect(s).toMatchObject({ file: sent, messageId: '<cli1@example.com>', kind: 'outgoing', reason: null, from: 'me@example.com', contacts: [{ email: 'ana@corp.io', name: 'Ana' }] });
    for (const key of ['date', 'ownText', 'promises']) expect(s).toHaveProperty(key);
  }, runs(1));

  it('ingests an mbox and lists the contacts as JSON; a second import changes nothing', async () => {
    const mbox = join(dir, 'Sent.mbox');
    const mails = await Promise.all(
      ['ana@corp.io', 'bob@corp.io', 'ana@corp.io'].map((to, i) => composeMail({ from: 'me@example.com', to, subject: `s${i}`, text: 'x', messageId: `<mb${i}@example.com>`, date: new Date(`2026-10-0${i + 1}T10:00:00Z`) })),
    );
    writeFileSync(mbox, Buffer.concat(mails.map((m) => mboxEntry(m))));
    const imported = nurture('ingest', mbox);
    expect(imported.status).toBe(0);
    expect(imported.stderr).toContain('Imported 3 mails: 3 outgoing.');
    const first = nurture('contacts', '--json');
    expect(first.status).toBe(0);
    const contacts = JSON.parse(first.stdout) as { email: string; count: number }[];
    expect(contacts.find((c) => c.email === 'ana@corp.io')?.count).toBe(2);
    const again = nurture('ingest', '--restart', mbox);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('Read 3 mails: 3 already imported.');
    expect(JSON.parse(nurture('contacts', '--json').stdout)).toEqual(contacts);
  }, runs(5));

  it('lists contacts as a table with column headers', () => {
    const [header, ...rows] = nurture('contacts').stdout.trim().split('\n');
    expect(header).toMatch(/^LAST MAIL\s+MAILS\s+CONTACT$/);
    expect(rows).toEqual(expect.arrayContaining([expect.stringMatching(/^2026-10-03\s+2\s+ana@corp\.io/), expect.stringMatching(/^2026-10-02\s+1\s+bob@corp\.io/)]));
  }, runs(1));

  it('explains a note as capture records it: a known contact named without an address is attached', async () => {
    const known = join(dir, 'janis.eml');
    writeFileSync(known, await composeMail({ from: 'me@example.com', to: 'Janis Pereira <janis@corp.io>', subject: 'hello', text: 'Hello Janis', messageId: '<janis1@example.com>' }));
    expect(nurture('ingest', known).status).toBe(0);
    const note = join(dir, 'coffee.eml');
    writeFileSync(note, await composeMail({ from: 'me@example.com', to: 'log@in.example.com', subject: 'coffee', text: 'Coffee with Janis Pereira; she is moving to Lisbon.', messageId: '<coffee1@example.com>' }));
    const explained = JSON.parse(nurture('explain', note).stdout) as { kind: string; contacts: unknown[] };
    expect(explained).toMatchObject({ kind: 'note', contacts: [{ email: 'janis@corp.io', name: 'Janis Pereira' }] });
    const captured = JSON.parse(nurture('ingest', '--json', note).stdout) as { kind: string; contacts: unknown[] };
    expect(captured.contacts).toEqual(explained.contacts);
  }, runs(3));
});

describe('npm start', () => {
  it('prints where it listens, captures over SMTP, the CLI reads the same data while it runs, and sent mail is kept as .eml', async () => {
    const data = join(dir, 'data');
    const password = nurture('users', 'password', 'me@example.com').stdout.trim();
    const child = spawn(process.execPath, [BIN, '--data', data, 'start', '--smtp-port', '0', '--ses-port', '0'], { env: { ...process.env, NURTURE_CAPTURE: 'log@in.example.com' } });
    try {
      const banner = await new Promise<string>((ok, fail) => {
        let err = '';
        child.stderr.on('data', (c: Buffer) => {
          err += c.toString();
          if (err.includes('Press Ctrl+C')) ok(err);
        });
        child.once('exit', (code) => fail(new Error(`exited ${code}: ${err}`)));
        setTimeout(() => fail(new Error(`no banner: ${err}`)), RUN_BUDGET_MS);
      });
      const port = Number(/capture \(SMTP\)\s+127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(banner).toMatch(/sent mail \(SES\)\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(banner).toContain(`sent mail (.eml) ${join(data, 'sent')}/`);
      await nodemailer
        .createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, auth: { user: 'me@example.com', pass: password } })
        .sendMail({ from: 'me@example.com', to: 'live@corp.io', bcc: 'log@in.example.com', subject: 'live', text: 'x' });
      const contacts = JSON.parse(nurture('contacts', '--json').stdout) as { email: string }[];
      expect(contacts.map((c) => c.email)).toContain('live@corp.io');

      // A digest not sent is told apart from an error (1) and from one sent (0).
      expect(nurture('users', 'set', 'me@example.com', '--digest', 'off').status).toBe(0);
      const paused = nurture('digest', '--user', 'me@example.com', '--send');
      expect(paused).toMatchObject({ status: 3, stdout: 'Not sent: paused\n' });
      expect(nurture('users', 'set', 'me@example.com', '--digest', 'on').status).toBe(0);
      const promise = join(dir, 'promise.eml');
      writeFileSync(promise, await composeMail({ from: 'me@example.com', to: 'Ana <ana@corp.io>', subject: 'deck', text: 'Hi Ana, I will send you the deck by Friday.', messageId: '<deck1@example.com>', date: new Date() }));
      expect(nurture('ingest', promise).status).toBe(0);
      const sent = nurture('digest', '--user', 'me@example.com', '--send');
      expect(sent.stdout).toMatch(/^Sent \(\d+ items?\)/);
      expect(sent.status).toBe(0);
      const kept = readdirSync(join(data, 'sent'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(kept).toHaveLength(1);
      const eml = readFileSync(join(kept[0]!.parentPath, kept[0]!.name), 'utf8');
      expect(eml).toMatch(/^To: me@example\.com/m);
      expect(eml).toMatch(/^Reply-To:\s+reply\+\S+@in\.example\.com/m);
    } finally {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
    }
  }, runs(10));
});
