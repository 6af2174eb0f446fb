import type { AccessTokenCache } from '../wechat/access-token-cache.js';
import type { PhoneInfo, WeChatClient } from '../wechat/client.js';

/**
 * The user's phone number from a getPhoneNumber button code. Nothing is stored: a business that wants to keep the
 * number does so in its own Lambda, with its own consent rules.
 *
 * @example
 * const phoneInfo = await new PhoneNumbers(accessTokens, wechat).lookup(code);
 */
class PhoneNumbers {
  constructor(
    private readonly tokens: Pick<AccessTokenCache, 'withToken'>,
    private readonly wechat: Pick<WeChatClient, 'getPhoneNumber'>
  ) {}

  lookup(code: string): Promise<PhoneInfo> {
    return this.tokens.withToken((accessToken) => this.wechat.getPhoneNumber({ accessToken, code }));
  }
}

export { PhoneNumbers };
