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

export { sessionTable };
