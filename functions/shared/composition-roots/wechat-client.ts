import { appSecretProvider } from '../runtime/app-secret.js';
import type { WeChatConfig } from '../runtime/config.js';
import { usePowertoolsMetrics } from '../runtime/powertools-metrics.js';
import { WeChatClient } from '../wechat/client.js';

/**
 * The production WeChat client: the configured AppID, API host and timeout, the app secret from its source. The
 * functions that call WeChat write their business metrics through Powertools Metrics (runtime/powertools-metrics.ts).
 */
const createWeChatClient = (config: WeChatConfig): WeChatClient => {
  usePowertoolsMetrics();
  return new WeChatClient({ ...config, appSecret: appSecretProvider(config.appSecret) });
};

export { createWeChatClient };
