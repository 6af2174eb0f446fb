/** Who WeChat says the user is. `sessionKey` stays on the server. */
interface WeChatIdentity {
  openid: string;
  unionid?: string;
  sessionKey: string;
}

/** A login: WeChat's answer and the mini program (AppID) it was for. */
interface LoginIdentity extends WeChatIdentity {
  appId: string;
}

/**
 * The caller's identity as protected routes see it: never the session_key. `appId` is the mini program the session
 * was created for (openids are per app; the unionid is shared by the apps of one Open Platform account).
 */
interface CallerIdentity {
  openid: string;
  unionid?: string;
  appId: string;
}

/**
 * The optional `unionid` field, ready to spread: present only when WeChat sent a non-empty one (it sends none until
 * the mini program is bound to an Open Platform account), so no record, context or reply ever carries an empty one.
 *
 * @example
 * const caller: CallerIdentity = { openid, ...unionidField(record.unionid) };
 */
const unionidField = (unionid: unknown): { unionid?: string } =>
  typeof unionid === 'string' && unionid !== '' ? { unionid } : {};

export type { CallerIdentity, LoginIdentity, WeChatIdentity };
export { unionidField };
