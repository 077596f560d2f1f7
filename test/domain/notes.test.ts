import { describe, expect, it } from 'vitest';
import { findKnownPeopleInNote } from '../../functions/domain/notes.ts';

const known = [
  { email: 'ana@acme.pt', name: 'Ana Souza' },
  { email: 'will@x.io', name: 'Will Turner' },
  { email: 'may@chen.example', name: 'May Chen' },
  { email: 'cal@google.example', name: 'Google Calendar' },
  { email: 'tom@startup.io', name: 'Tom Baker' },
  { email: 'hart@corp.io', name: 'Tom Hart' },
  { email: 'odd@x.io', name: 'J.R. (Bob) Smith+' },
];
const emails = (text: string) => findKnownPeopleInNote(text, known, new Set()).map((a) => a.email);

describe('findKnownPeopleInNote', () => {
  it('finds a full name anywhere, and a unique first name right after a word that introduces a person', () => {
    expect(emails('Coffee with Ana; her daughter just started college.')).toEqual(['ana@acme.pt']);
    expect(emails('Lunch with Will about the pilot.')).toEqual(['will@x.io']);
    expect(emails('Ana Souza says hi.')).toEqual(['ana@acme.pt']);
    expect(emails('Lunch with Tom Hart.')).toEqual(['hart@corp.io']);
  });

  it('takes ordinary words, sentence starts and shared first names for nobody', () => {
    expect(emails('I will send the deck. Will check tomorrow.\n- Will follow up')).toEqual([]);
    expect(emails('May I remember to ask. - May be late.')).toEqual([]);
    expect(emails('Put it in the Google doc.')).toEqual([]);
    expect(emails('Met Tom at the meetup.')).toEqual([]); // two Toms
    expect(emails('The Ana Souzas exhibit opened.')).toEqual([]); // not the whole name, and no cue
  });

  it('leaves out excluded addresses and copes with names full of punctuation', () => {
    expect(findKnownPeopleInNote('Coffee with Ana.', known, new Set(['ana@acme.pt']))).toEqual([]);
    expect(emails('Dinner with J.R. (Bob) Smith+ tonight.')).toEqual(['odd@x.io']);
  });
});
