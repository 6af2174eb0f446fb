import { appSecretProvider } from '../runtime/app-secret.js';
import type { WeChatConfig } from '../runtime/config.js';
import { usePowertoolsMetrics } from '../runtime/powertools-metrics.js';
import { WeChatApps } from '../wechat/apps.js';
import { WeChatClient } from '../wechat/client.js';

/**
 * The production WeChat clients, one per configured mini program: its AppID, the API hosts and timeout, its app
 * secret from the one source (Secrets Manager in AWS, WECHAT_APPS / WECHAT_APP_SECRET locally). The functions that
 * call WeChat write their business metrics through Powertools Metrics (runtime/powertools-metrics.ts).
 */
const createWeChatApps = (config: WeChatConfig): WeChatApps => {
  usePowertoolsMetrics();
  const secretOf = appSecretProvider(config.appSecrets, config.appIds);
  return new WeChatApps(
    config.appIds,
    (appId) => new WeChatClient({ ...config, appId, appSecret: () => secretOf(appId) })
  );
};

export { createWeChatApps };
