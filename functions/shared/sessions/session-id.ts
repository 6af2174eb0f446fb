import { createHash, randomBytes } from 'node:crypto';

/**
 * Session ids are 32 bytes from the CSPRNG in base64url: 43 characters, no padding. The table only ever sees the
 * SHA-256 of an id, so a leaked table dump or backup cannot be replayed as logins.
 */
const SESSION_ID_BYTES = 32;
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const newSessionId = (): string => randomBytes(SESSION_ID_BYTES).toString('base64url');

/** Cheap shape check, so garbage is refused without a DynamoDB read. */
const isWellFormedSessionId = (value: unknown): value is string =>
  typeof value === 'string' && SESSION_ID_PATTERN.test(value);

const hashSessionId = (sessionId: string): string => createHash('sha256').update(sessionId).digest('base64url');

export { hashSessionId, isWellFormedSessionId, newSessionId };
