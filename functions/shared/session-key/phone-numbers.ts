import { AppError } from '../http/errors.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { CallerIdentity } from '../sessions/identity.js';
import type { AccessTokenCache } from '../wechat/access-token-cache.js';
import type { PhoneInfo, WeChatClient } from '../wechat/client.js';

/**
 * The caller's phone number from a getPhoneNumber button code. The code is bound to the caller (WeChat is sent the
 * caller's openid and refuses a code issued to anyone else), WeChat's answer must carry our AppID in its watermark,
 * and each user has a daily budget of lookups (each one is billed by WeChat), counted before WeChat is asked.
 * Nothing is stored: a business that wants to keep the number does so in its own Lambda, with its own consent rules.
 *
 * @example
 * const phoneNumbers = new PhoneNumbers(accessTokens, wechat, phoneLimit, appId);
 * const phoneInfo = await phoneNumbers.lookup(callerOf(event), code);
 */
class PhoneNumbers {
  constructor(
    private readonly tokens: Pick<AccessTokenCache, 'withToken'>,
    private readonly wechat: Pick<WeChatClient, 'getPhoneNumber'>,
    private readonly perUserPerDay: Pick<RateLimiter, 'take'>,
    private readonly appId: string
  ) {}

  async lookup(caller: CallerIdentity, code: string): Promise<PhoneInfo> {
    await this.perUserPerDay.take(caller.openid);
    const { openid } = caller;
    const info = await this.tokens.withToken((accessToken) =>
      this.wechat.getPhoneNumber({ accessToken, code, openid })
    );
    if (info.watermark?.appid !== this.appId) {
      // Not ours to hand out: WeChat answered for another mini program (a mixed-up AppID or secret, or a reply that
      // is not WeChat's). The number is dropped; operators see both AppIDs (not personal data).
      throw new AppError('wechat_unavailable', 'WeChat answered for another mini program', {
        logDetails: { watermarkAppId: String(info.watermark?.appid), appId: this.appId },
      });
    }
    return info;
  }
}

export { PhoneNumbers };
