import { describe, expect, it } from 'vitest';
import { cleanDisplayName, isRobotAddress, normalizeAddress } from '../../functions/domain/addresses.ts';

describe('isRobotAddress', () => {
  it.each(['noreply@shop.com', 'no-reply@github.com', 'bounce+x=y@em1234.acme.com', 'news@mailer.shop.com', 'x@bounces.google.com', 'a@notifications.app.example', 'srs0=abc@fwd.example'])(
    '%s is a robot',
    (email) => expect(isRobotAddress(email)).toBe(true),
  );

  it.each(['bsitz@mail.utexas.edu', 'x@email.arizona.edu', 'y@e.ntu.edu.sg', 'jane@em.acme.com', 'sam@mail.acme.co.uk', 'ana@acme.pt'])(
    '%s is a person (universities and companies put people on mail. and email. subdomains)',
    (email) => expect(isRobotAddress(email)).toBe(false),
  );
});

describe('normalizeAddress', () => {
  it('lower-cases a valid address and refuses what is not one', () => {
    expect(normalizeAddress(' Jane.Doe@Acme.COM ')).toBe('jane.doe@acme.com');
    expect(normalizeAddress("o'keefe@unocal.com")).toBe("o'keefe@unocal.com");
    for (const bad of ['jane', '@acme.com', 'jane@', 'jane@acme', 'a b@acme.com', "'Stevens_Hollister@eott.com@ENRON'"]) expect(normalizeAddress(bad), bad).toBeNull();
  });

  it('takes off the quotes old Outlook put around a bare address (seen in the Enron sent mail)', () => {
    expect(normalizeAddress("'kpeterso@epelectric.com'")).toBe('kpeterso@epelectric.com');
    expect(normalizeAddress("'Im-Urlaub@t-online.de")).toBe('im-urlaub@t-online.de');
    expect(normalizeAddress('"jane@acme.com"')).toBe('jane@acme.com');
    expect(normalizeAddress('"john smith"@acme.com')).toBe('"john smith"@acme.com');
  });
});

describe('cleanDisplayName', () => {
  it('puts a directory name in the order its owner is greeted', () => {
    expect(cleanDisplayName('Doe, Jane', 'jane@acme.com')).toBe('Jane Doe');
    expect(cleanDisplayName('Sanchez, Kathryn A', 'ksanchez@houstonisd.org')).toBe('Kathryn A Sanchez');
    expect(cleanDisplayName("O'Neal, D.", 'x@enron.com')).toBe("D. O'Neal");
    // Exchange's "Last  First", when the address says first.last (seen in the Enron mail).
    expect(cleanDisplayName('Knock  John', 'john.knock@elpaso.com')).toBe('John Knock');
  });

  it('leaves what is not a reversed name alone', () => {
    expect(cleanDisplayName('Smith, Jr.', 'js@acme.com')).toBe('Smith, Jr.');
    expect(cleanDisplayName('Acme, Inc.', 'info@acme.com')).toBe('Acme, Inc.');
    expect(cleanDisplayName('Harris, Ellen (EM)', 'eh@enron.com')).toBe('Harris, Ellen (EM)');
    expect(cleanDisplayName('Sales, Marketing, Support', 'team@acme.com')).toBe('Sales, Marketing, Support');
    expect(cleanDisplayName("O'Keefe Kevin", 'kevino2@unocal.com')).toBe("O'Keefe Kevin");
    expect(cleanDisplayName('Jane Doe', 'jane.doe@acme.com')).toBe('Jane Doe');
    expect(cleanDisplayName("'jane@acme.com'", 'jane@acme.com')).toBeUndefined();
  });
});
