import fc from 'fast-check';

/**
 * Hostile input for the property-based tests: what a broken client, a proxy or an attacker could put in a login body
 * or an X-Session-Id header.
 */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

const nastyStrings = fc.constantFrom(
  '',
  ' ',
  '\t',
  'null',
  'undefined',
  '[object Object]',
  '%00',
  '\u0000'.repeat(43),
  'Bearer abc',
  "' OR '1'='1",
  '../../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, meant literally
  '${jndi:ldap://x}',
  '__proto__',
  '会话'.repeat(22),
  '\u202e'.repeat(43),
  '\ud800'.repeat(43)
);

/** 43 base64url characters: the shape of a real session id. */
const wellFormedSessionId = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/);

/** Almost a session id: one edit away from `ids` (a random well-formed id by default, or a live one). */
const nearSessionId = (ids: fc.Arbitrary<string> = wellFormedSessionId) =>
  fc
    .tuple(ids, fc.nat({ max: 42 }), fc.constantFrom('=', '+', '/', ' ', '.', '\n', '\u0000', 'é', '中', '😀'))
    .chain(([id, at, char]) =>
      fc.constantFrom(
        id.slice(0, -1),
        `${id}A`,
        `${id}=`,
        ` ${id}`,
        `${id} `,
        id.slice(0, at) + char + id.slice(at + 1),
        id.slice(0, at) + char + id.slice(at)
      )
    );

/** Any text, lone surrogates and control characters included. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary-ascii' }),
  fc.string({ unit: anyCodeUnit }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  nastyStrings
);

/** Header values that are not session ids (checked by the test against the contract's pattern, not the code's). */
const sessionHeaderValue = fc.oneof(
  hostileString,
  nearSessionId(),
  fc.string({ unit: 'binary', minLength: 1000, maxLength: 9000 })
);

const SESSION_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export { hostileString, nearSessionId, SESSION_ID_SHAPE, sessionHeaderValue, wellFormedSessionId };
