import { AppError } from '../http/errors.js';
import type { WeChatClient } from './client.js';

/**
 * The mini programs one deployment serves, each with its own WeChat client (its AppID and secret). Login picks the
 * app from the request; everything after login takes it from the session (the authorizer's `appId`).
 *
 * @example
 * const apps = createWeChatApps(readWeChatConfig()); // composition-roots/wechat-client.ts
 * const appId = apps.resolve(body.appId); // 400 bad_request / unknown_app
 * const identity = await apps.client(appId).exchangeCode(code);
 */
class WeChatApps {
  readonly appIds: readonly string[];
  private readonly clients = new Map<string, WeChatClient>();

  constructor(appIds: readonly string[], createClient: (appId: string) => WeChatClient) {
    this.appIds = [...appIds];
    for (const appId of appIds) this.clients.set(appId, createClient(appId));
  }

  /**
   * The app a login is for: `requested` when it is configured; with none requested, the only app, if there is
   * exactly one. Throws 400 `bad_request` (several apps, none named) or `unknown_app` (not configured).
   */
  resolve(requested: string | undefined): string {
    if (requested === undefined) {
      if (this.appIds.length === 1) return this.appIds[0] as string;
      throw new AppError('bad_request', '"appId" is required: this server serves several mini programs');
    }
    if (!this.clients.has(requested)) {
      throw new AppError('unknown_app', 'This server does not serve the mini program named by "appId"');
    }
    return requested;
  }

  /** The WeChat client of a configured app; an AppID that is not configured is refused as `unknown_app`. */
  client(appId: string): WeChatClient {
    const client = this.clients.get(appId);
    if (!client) throw new AppError('unknown_app', 'This server does not serve that mini program');
    return client;
  }
}

export { WeChatApps };
