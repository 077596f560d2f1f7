import { describe, expect, it } from 'vitest';
import { isRobotAddress } from '../../functions/domain/addresses.ts';

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
