/**
 * What the user wrote in a captured mail, and what they promised in it. A seam between capture and
 * the own-text / promise detectors (issue 3).
 */
import type { Address, FoundPromise, ParsedMail } from '#domain/types';

export interface Understanding {
  readonly ownText: string;
  readonly promises: FoundPromise[];
}

export interface UnderstandContext {
  readonly date: string;
  readonly tz: string;
  readonly recipients: readonly Address[];
  readonly isNote: boolean;
  readonly distrust?: readonly string[];
}

export function understand(mail: ParsedMail, _ctx: UnderstandContext): Understanding {
  return { ownText: mail.text.trim(), promises: [] };
}
