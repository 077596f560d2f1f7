/**
 * The labelled sentences promise detection is measured on (dev.tsv of the shared fixtures and our own Enron labels),
 * the folds they are scored in, the agreement of the two labelling passes, and the due phrases they carry.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOLDS, foldsOf, readDev, readEnronLabels } from '../../bench/labels/labelled.ts';
import { cohensKappa, mergePasses } from '../../bench/labels/merge-labels.ts';
import { findDuePhrase, resolveDue } from '../../functions/domain/due-dates.ts';
import { FIXTURES, fixturesPresent } from '../support/fixtures.ts';

const OURS = path.resolve(import.meta.dirname, '../../bench/labels/enron-sent.tsv');

describe('folds', () => {
  it('put every id in one of five folds of near-equal size, the same whatever the order of the ids', () => {
    const ids = Array.from({ length: 103 }, (_, i) => `c${i}`);
    const folds = foldsOf(ids);
    const reversed = foldsOf([...ids].reverse());
    expect([...folds.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(reversed.get(id)).toBe(folds.get(id));
    const sizes = Array.from({ length: FOLDS }, (_, k) => [...folds.values()].filter((f) => f === k).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});

describe('merging two labelling passes', () => {
  const a = [
    { id: 'x1', label: 'COMMIT', action: 'send', due: '' },
    { id: 'x2', label: 'NOT', action: '', due: '' },
    { id: 'x3', label: 'OFFER', action: 'meet', due: '' },
    { id: 'x4', label: 'COMMIT', action: 'do', due: '' },
  ];
  const b = [
    { id: 'x1', label: 'COMMIT', action: 'send', due: 'by Friday' },
    { id: 'x2', label: 'NOT', action: '', due: '' },
    { id: 'x3', label: 'COMMIT', action: 'meet', due: '' },
    { id: 'x4', label: 'NOT', action: '', due: '' },
  ];

  it('keeps agreed labels (with a due phrase either pass marked), takes the adjudication, drops the unresolved', () => {
    const merged = mergePasses(a, b, [{ id: 'x3', label: 'OFFER', action: 'meet', due: '' }]);
    expect(merged.map((m) => [m.id, m.label, m.due])).toEqual([
      ['x1', 'COMMIT', 'by Friday'],
      ['x2', 'NOT', ''],
      ['x3', 'OFFER', ''],
      ['x4', 'DROP', ''],
    ]);
    expect(merged[3]).toMatchObject({ passA: 'COMMIT', passB: 'NOT' });
  });

  it("computes Cohen's kappa: 1 for full agreement, 0 at chance, negative below it", () => {
    expect(cohensKappa(['A', 'B', 'A'], ['A', 'B', 'A'], ['A', 'B'])).toBe(1);
    expect(cohensKappa(['A', 'A', 'B', 'B'], ['A', 'B', 'A', 'B'], ['A', 'B'])).toBe(0);
    expect(cohensKappa(['A', 'B'], ['B', 'A'], ['A', 'B'])).toBeLessThan(0);
    // Two passes of 100: 40 COMMIT/COMMIT, 10 COMMIT/NOT, 10 NOT/COMMIT, 40 NOT/NOT → po 0.8, pe 0.5.
    const x = [...Array(50).fill('C'), ...Array(50).fill('N')];
    const y = [...Array(40).fill('C'), ...Array(10).fill('N'), ...Array(10).fill('C'), ...Array(40).fill('N')];
    expect(cohensKappa(x, y, ['C', 'N'])).toBeCloseTo(0.6, 10);
  });
});

const haveFixtures = fixturesPresent('commitments') && fixturesPresent('enron-sent');
describe.skipIf(!haveFixtures)('our Enron labels', () => {
  it('name real sentences of the fixture, keep both passes, and are sampled from first-person future forms and the rest', () => {
    const rows = readEnronLabels(OURS, FIXTURES);
    expect(rows.length).toBeGreaterThan(600);
    expect(rows.filter((r) => r.label === 'COMMIT').length).toBeGreaterThan(40);
    for (const r of rows) expect(r.text.length).toBeGreaterThan(0);
  });

  it('every labelled due phrase, in dev.tsv and in our labels, is read as a due phrase and resolves to a day', () => {
    const rows = [...readDev(FIXTURES), ...readEnronLabels(OURS, FIXTURES)].filter((r) => r.due !== '');
    expect(rows.length).toBeGreaterThan(100);
    const unread = rows.filter((r) => findDuePhrase(r.due) === null).map((r) => r.due);
    expect(unread).toEqual([]);
    for (const r of rows) expect(resolveDue(r.text, { date: '2026-11-25T10:00:00Z', tz: 'America/Chicago' }).due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('due phrases the new labels brought', () => {
  const wed = { date: '2026-11-25T10:00:00.000Z', tz: 'Europe/Berlin' };
  it.each([
    ["I'll send it over the next 2 weeks.", 'over the next 2 weeks', '2026-12-09'],
    ["I'll get it to you in the next couple of weeks.", 'in the next couple of weeks', '2026-12-09'],
    ['I will call you on Tueday morning.', 'on Tueday morning', '2026-12-01'],
    ['I can come by on sat early evening.', 'on sat', '2026-11-28'],
    ["I'll come by between 4:45 and 5:30.", 'between 4:45', '2026-11-25'],
    ['I will pay it back next year.', 'next year', '2027-01-01'],
    ['I will send it by the 5th.', 'by the 5th', '2026-12-05'],
    ["I'll email you then.", 'then', '2026-11-27'],
  ])('%s → %s = %s', (sentence, dueText, due) => {
    expect(resolveDue(sentence, wed)).toEqual({ dueText, due });
  });

  it('a weekday already past is no due date', () => {
    expect(findDuePhrase("I've been underwater since last Thursday night, but I'll resurface tomorrow.")?.text).toBe('tomorrow');
  });
});
