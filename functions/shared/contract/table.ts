/**
 * The session table, defined once. The CDK stack, the local twin and the tests all build the table from this
 * object, so a change of key or TTL attribute reaches every one of them.
 *
 * Items are keyed by `pk`, a string with a type prefix, so the item kinds below share one table without
 * colliding.
 */
const sessionTable = {
  partitionKey: { name: 'pk', type: 'S' },
  /**
   * The item kinds, by how their `pk` starts: sessions (`session#<hash>`), each user's newest session_key
   * (`user#<openid>`), the shared access_token entry (`token#access_token`), and the per-client limits
   * (functions/shared/limits): login attempts per client IP and minute (`limit#login#<ip>#<window start>`), phone
   * number lookups per user and UTC day (`limit#phone#<openid>#<day start>`) and each user's last session_key check
   * (`limit#status#<openid>`), and each recent login code's replay record (`code#<HKDF of the code>`, functions/shared/
   * login: the reply sealed under a key only the code gives). The stack scopes each function's IAM grants to the kinds it touches
   * (infra/function-access.ts), so these are the only prefixes to build keys from.
   */
  keyPrefixes: {
    session: 'session#',
    user: 'user#',
    token: 'token#',
    loginLimit: 'limit#login#',
    phoneLimit: 'limit#phone#',
    statusCheck: 'limit#status#',
    loginCode: 'code#',
  },
  /** Epoch seconds, a Number: the attribute DynamoDB's TTL deletes on (lazily, so readers still check it). */
  timeToLiveAttribute: 'expiresAt',
} as const;

const KEY = sessionTable.partitionKey.name;
const TTL = sessionTable.timeToLiveAttribute;

/**
 * The top-level attributes of each item kind, by who names them, written once: the persistence layers read with
 * these projections, and the IAM grants (infra/function-access.ts) allow each function exactly the lists it names
 * (a `dynamodb:Attributes` condition), so a new attribute is a reviewed grant change.
 */
const itemAttributes = {
  session: {
    /** What the authorizer reads (a projection), listing reads and login writes: never a session_key. */
    read: [KEY, 'openid', 'unionid', 'appId', 'createdAt', TTL],
    write: [KEY, 'openid', 'unionid', 'appId', 'createdAt', TTL],
    /** What the sliding renewal names: the key and the expiry, nothing else. */
    renew: [KEY, TTL],
    /** What ending a session names: its key. */
    end: [KEY],
  },
  user: {
    /** The whole user record, as login reads and rewrites it (`updatedAt` and the TTL: records from before it). */
    all: [
      KEY,
      'openid',
      'unionid',
      'appId',
      'sessionKey',
      'keyIssuedAt',
      'keyExpiresAt',
      'firstLoginAt',
      'lastLoginAt',
      'sessions',
      'version',
      'updatedAt',
      TTL,
    ],
    /** What the session_key services read. */
    sessionKey: [KEY, 'openid', 'appId', 'sessionKey', 'keyExpiresAt', TTL],
    /** What listing and ending sessions read and change: never the session_key. */
    sessions: [KEY, 'openid', 'appId', 'sessions', 'version'],
  },
  /** A per-client limit's counter (functions/shared/limits). */
  counter: [KEY, 'count', TTL],
  /** The last answer of a rate-limited check (the session_key status check, once per user per window). */
  recentAnswer: [KEY, 'fingerprint', 'answerUntilMs', 'answer', TTL],
  /** The access_token entry of each app. */
  token: [KEY, 'accessToken', 'tokenExpiresAtMs', 'lockOwner', 'lockExpiresAtMs', 'refreshBlockedUntilMs', TTL],
} as const;

export { itemAttributes, sessionTable };
