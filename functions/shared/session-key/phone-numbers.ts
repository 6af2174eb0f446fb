import { AppError } from '../http/errors.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { CallerIdentity } from '../sessions/identity.js';
import type { AccessTokenCache } from '../wechat/access-token-cache.js';
import type { PhoneInfo, WeChatClient } from '../wechat/client.js';

/** An app's WeChat client and access_token cache, by AppID (each mini program has its own token). */
type AppServices<Calls extends keyof WeChatClient> = (appId: string) => {
  tokens: Pick<AccessTokenCache, 'withToken'>;
  wechat: Pick<WeChatClient, Calls>;
};

/**
 * The caller's phone number from a getPhoneNumber button code. The code is bound to the caller (WeChat is sent the
 * caller's openid and refuses a code issued to anyone else) and asked with the caller's app's access_token, WeChat's
 * answer must carry the caller's AppID in its watermark, and each user has a daily budget of lookups (each one is
 * billed by WeChat), counted before WeChat is asked. Nothing is stored: a business that wants to keep the number
 * does so in its own Lambda, with its own consent rules.
 *
 * @example
 * const phoneNumbers = new PhoneNumbers((appId) => ({ tokens, wechat }), phoneLimit);
 * const phoneInfo = await phoneNumbers.lookup(callerOf(event), code);
 */
class PhoneNumbers {
  constructor(
    private readonly apps: AppServices<'getPhoneNumber'>,
    private readonly perUserPerDay: Pick<RateLimiter, 'take'>
  ) {}

  async lookup(caller: CallerIdentity, code: string): Promise<PhoneInfo> {
    await this.perUserPerDay.take(caller.openid);
    const { openid, appId } = caller;
    const { tokens, wechat } = this.apps(appId);
    const info = await tokens.withToken((accessToken) => wechat.getPhoneNumber({ accessToken, code, openid }));
    if (info.watermark?.appid !== appId) {
      // Not ours to hand out: WeChat answered for another mini program (a mixed-up AppID or secret, or a reply that
      // is not WeChat's). The number is dropped; operators see both AppIDs (not personal data).
      throw new AppError('wechat_unavailable', 'WeChat answered for another mini program', {
        logDetails: { watermarkAppId: String(info.watermark?.appid), appId },
      });
    }
    return info;
  }
}

export type { AppServices };
export { PhoneNumbers };
