import { describe, expect, it } from 'vitest';
import { isRobotAddress, normalizeAddress } from '../../functions/domain/addresses.ts';

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
