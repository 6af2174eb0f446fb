import { appSecretProvider } from '../runtime/app-secret.js';
import type { WeChatConfig } from '../runtime/config.js';
import { WeChatClient } from '../wechat/client.js';

/** The production WeChat client: the configured AppID, API host and timeout, the app secret from its source. */
const createWeChatClient = (config: WeChatConfig): WeChatClient =>
  new WeChatClient({ ...config, appSecret: appSecretProvider(config.appSecret) });

export { createWeChatClient };
