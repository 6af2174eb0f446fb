import type { StoredSession } from './session.js';
import type { SessionStorage } from './session-storage.js';
import { type WxLike, wxCheckSession } from './wx.js';

/**
 * wx.checkSession, asked once per launch before the first request: a session_key WeChat has expired would break
 * server-side decryption, and only a new wx.login renews it. The stored session is then dropped (`onDropped` gets
 * it), unless a login saved a newer one since the check began. A check that throws is no answer, so the session from
 * before is treated as stale too: the login that replaces it renews the session_key, which is all the check was for,
 * and the remembered promise never holds a rejection that would fail every request of this launch.
 */
const sessionKeyCheck = (
  api: () => WxLike,
  storage: SessionStorage,
  onDropped: (session: StoredSession) => void
): (() => Promise<void>) => {
  let checked: Promise<void> | undefined;
  return () => {
    if (!checked) {
      const before = storage.load();
      const drop = (): void => {
        if (before && storage.clearIf(before.sessionId)) onDropped(before);
      };
      checked = wxCheckSession(api()).then((valid) => {
        if (!valid) drop();
      }, drop);
    }
    return checked;
  };
};

export { sessionKeyCheck };
