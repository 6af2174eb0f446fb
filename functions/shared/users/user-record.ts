/**
 * The user layer: one record per user (openid) and app, written by every login. It holds what WeChat says about the
 * user, the newest session_key, the first and last login times and the user's sessions (their handles), so login
 * knows whether the user is new and which session to end beyond the limit with one read, and sign-out-everywhere
 * knows every session to end. No storage in sight: DynamoDB is spoken in ../sessions/dynamodb-session-persistence.ts.
 * Times ending in `Ms` are epoch milliseconds, the others epoch seconds.
 */

/** One of the user's sessions as the record lists it. `key` is the session's table key (SHA-256 of its id). */
interface UserSessionEntry {
  handle: string;
  key: string;
  createdAtMs: number;
}

interface UserRecord {
  /** Absent on records written before several apps: those belong to the deployment's original app. */
  appId?: string;
  openid: string;
  unionid?: string;
  /** WeChat's newest session_key for the user, and when our server received it (the newest one wins). */
  sessionKey?: string;
  keyIssuedAtMs?: number;
  /** The session_key counts as gone after this (login + the sessions' max age), whatever the record says. */
  keyExpiresAt?: number;
  firstLoginAtMs?: number;
  lastLoginAtMs?: number;
  sessions: UserSessionEntry[];
  /** Bumped by every write that changes `sessions`; writes are conditional on the version they read. */
  version?: number;
}

interface LoginPlanInput {
  appId: string;
  openid: string;
  unionid?: string;
  sessionKey: string;
  session: UserSessionEntry;
  nowMs: number;
  maxSessions: number;
  /** Sessions older than this are over, whatever else happened to them: their entries are dropped. */
  maxAgeSeconds: number;
}

interface LoginPlan {
  user: UserRecord;
  /** Entries beyond the limit, oldest first: these sessions end with this login. */
  evicted: UserSessionEntry[];
  isNewUser: boolean;
}

/**
 * What a login writes, given the record as it was read (`existing`, undefined for a user never seen in this app):
 * - the new session joins the list; entries past the max age leave it; beyond `maxSessions` the oldest are evicted;
 * - the session_key is replaced unless the stored one was received later (a slower concurrent login must not
 *   overwrite a newer key);
 * - first login time kept, last login time moved forward; `isNewUser` exactly when there was no record.
 *
 * @example
 * const { user, evicted, isNewUser } = planLogin(await persistence.getUser(openid), input);
 */
const planLogin = (existing: UserRecord | undefined, input: LoginPlanInput): LoginPlan => {
  const { nowMs } = input;
  const live = (existing?.sessions ?? []).filter((entry) => entry.createdAtMs + input.maxAgeSeconds * 1000 > nowMs);
  const sessions = [...live.filter((entry) => entry.handle !== input.session.handle), input.session].sort(
    (a, b) => a.createdAtMs - b.createdAtMs
  );
  const excess = Math.max(0, sessions.length - input.maxSessions);
  const evicted = sessions.filter((entry) => entry !== input.session).slice(0, excess);
  const storedIsNewer =
    existing?.sessionKey !== undefined && (existing.keyIssuedAtMs ?? 0) > nowMs && existing.keyExpiresAt !== undefined;
  const key = storedIsNewer
    ? { sessionKey: existing.sessionKey, keyIssuedAtMs: existing.keyIssuedAtMs, keyExpiresAt: existing.keyExpiresAt }
    : {
        sessionKey: input.sessionKey,
        keyIssuedAtMs: nowMs,
        keyExpiresAt: Math.floor(nowMs / 1000) + input.maxAgeSeconds,
      };
  const unionid = input.unionid ?? existing?.unionid;
  const user: UserRecord = {
    appId: input.appId,
    openid: input.openid,
    ...(unionid ? { unionid } : {}),
    ...key,
    firstLoginAtMs: existing ? (existing.firstLoginAtMs ?? nowMs) : nowMs,
    lastLoginAtMs: Math.max(existing?.lastLoginAtMs ?? 0, nowMs),
    sessions: sessions.filter((entry) => !evicted.includes(entry)),
    version: (existing?.version ?? 0) + 1,
  };
  return { user, evicted, isNewUser: existing === undefined };
};

/** Whether a record read for `appId` is that app's (records from before several apps belong to the original app). */
const belongsToApp = (user: UserRecord, appId: string, originalAppId?: string): boolean =>
  (user.appId ?? originalAppId ?? appId) === appId;

export type { LoginPlan, LoginPlanInput, UserRecord, UserSessionEntry };
export { belongsToApp, planLogin };
