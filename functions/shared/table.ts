/**
 * The session table, defined once. The CDK stack, the local twin and the tests all build the table from this
 * object, so a change of key or TTL attribute reaches every one of them.
 *
 * Items are keyed by `pk`, a string with a type prefix (`session#<sha256 of the session id>`) so later item kinds
 * (per-user records, a cached access_token) can share the table without colliding with sessions.
 */
const sessionTable = {
  partitionKey: { name: 'pk', type: 'S' },
  /** Epoch seconds, a Number: the attribute DynamoDB's TTL deletes on (lazily, so readers still check it). */
  timeToLiveAttribute: 'expiresAt',
} as const;

export { sessionTable };
