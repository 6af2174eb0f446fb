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

/**
 * The handle `GET /sessions` shows for a session: 22 base64url characters (128 bits) of SHA-256 over the session's
 * key, itself the SHA-256 of the id. One-way twice over, so it reveals nothing about the id; 22 characters never pass
 * the 43-character id check, so a handle used as X-Session-Id is refused without a read.
 */
const sessionHandleOf = (key: string): string =>
  createHash('sha256').update(`handle:${key}`).digest('base64url').slice(0, 22);

const HANDLE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Cheap shape check for a handle from a URL, so garbage is a 404 without a read. */
const isWellFormedHandle = (value: unknown): value is string => typeof value === 'string' && HANDLE_PATTERN.test(value);

export { hashSessionId, isWellFormedHandle, isWellFormedSessionId, newSessionId, sessionHandleOf };
