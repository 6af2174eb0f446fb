import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hashSessionId,
  isWellFormedSessionId,
  newSessionId,
} from '../../../../../functions/shared/sessions/session-id.js';

describe('newSessionId', () => {
  it('is 43 base64url characters: 32 random bytes without padding', () => {
    const id = newSessionId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
  });

  it('is different every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
  });
});

describe('hashSessionId', () => {
  it('is the SHA-256 of the id, so the table never holds the id itself', () => {
    const id = newSessionId();
    const expected = createHash('sha256').update(id).digest('base64url');
    expect(hashSessionId(id)).toBe(expected);
    expect(hashSessionId(id)).not.toContain(id);
  });

  it('is stable for one id and differs between ids', () => {
    const id = newSessionId();
    expect(hashSessionId(id)).toBe(hashSessionId(id));
    expect(hashSessionId(id)).not.toBe(hashSessionId(newSessionId()));
  });
});

describe('isWellFormedSessionId', () => {
  it('accepts a freshly issued id', () => {
    expect(isWellFormedSessionId(newSessionId())).toBe(true);
  });

  it('accepts letters of both cases, digits, - and _', () => {
    expect(isWellFormedSessionId(`${'A'.repeat(20)}z9_-${'0'.repeat(19)}`)).toBe(true);
  });

  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['44 characters', 'a'.repeat(44)],
    ['padding', `${'a'.repeat(42)}=`],
    ['standard base64 +', `${'a'.repeat(42)}+`],
    ['standard base64 /', `${'a'.repeat(42)}/`],
    ['a space', `${'a'.repeat(42)} `],
    ['a trailing newline', `${'a'.repeat(43)}\n`],
    ['non-ASCII', `${'a'.repeat(42)}é`],
    ['empty', ''],
    ['a Bearer prefix', `Bearer ${'a'.repeat(43)}`],
    ['two ids joined by a comma', `${'a'.repeat(43)},${'b'.repeat(43)}`],
  ])('refuses %s', (_case, value) => {
    expect(isWellFormedSessionId(value)).toBe(false);
  });

  it.each([undefined, null, 43, ['a'.repeat(43)], { id: 'a'.repeat(43) }])('refuses the non-string %j', (value) => {
    expect(isWellFormedSessionId(value)).toBe(false);
  });
});
