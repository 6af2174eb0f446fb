import { afterEach, describe, expect, it, vi } from 'vitest';

/** Fresh imports, as a Lambda cold start does: each handler module reads its configuration when loaded. */
const modules = {
  login: () => import('../../../functions/login/handler.js'),
  authorizer: () => import('../../../functions/authorizer/handler.js'),
  logout: () => import('../../../functions/logout/handler.js'),
  me: () => import('../../../functions/me/handler.js'),
  products: () => import('../../../functions/products/handler.js'),
};
type FunctionName = keyof typeof modules;

const savedEnv = { ...process.env };

const coldStart = (name: FunctionName) => {
  vi.resetModules();
  return modules[name]();
};

afterEach(() => {
  // Restored in place: process.env is a special object, not to be swapped for a plain one.
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
  vi.resetModules();
});

describe('cold start', () => {
  it.each(Object.keys(modules) as FunctionName[])('functions/%s/handler.ts exports a handler', async (name) => {
    expect(typeof (await coldStart(name)).handler).toBe('function');
  });

  it.each(['login', 'authorizer', 'logout'] as const)('%s fails naming TABLE_NAME when it is missing', async (name) => {
    delete process.env.TABLE_NAME;
    await expect(coldStart(name)).rejects.toThrow(/TABLE_NAME/);
  });

  it('login fails naming WECHAT_APP_ID when it is missing', async () => {
    delete process.env.WECHAT_APP_ID;
    await expect(coldStart('login')).rejects.toThrow(/WECHAT_APP_ID/);
  });

  it('login fails naming WECHAT_APP_SECRET_ARN when no secret is configured', async () => {
    delete process.env.WECHAT_APP_SECRET;
    delete process.env.WECHAT_APP_SECRET_ARN;
    await expect(coldStart('login')).rejects.toThrow(/WECHAT_APP_SECRET_ARN/);
  });

  it.each(['me', 'products'] as const)('%s loads with no table and no WeChat settings at all', async (name) => {
    for (const variable of ['TABLE_NAME', 'WECHAT_APP_ID', 'WECHAT_APP_SECRET', 'WECHAT_API_BASE_URL']) {
      delete process.env[variable];
    }
    expect(typeof (await coldStart(name)).handler).toBe('function');
  });

  it('wx-verify loads without WECHAT_APP_ID: a rawData signature covers only rawData and the session_key', async () => {
    delete process.env.WECHAT_APP_ID;
    vi.resetModules();
    expect(typeof (await import('../../../functions/wx-verify/handler.js')).handler).toBe('function');
  });

  it("wx-decrypt loads without WECHAT_APP_ID: the watermark is checked against the caller's app from the session", async () => {
    delete process.env.WECHAT_APP_ID;
    vi.resetModules();
    expect(typeof (await import('../../../functions/wx-decrypt/handler.js')).handler).toBe('function');
  });

  it('the authorizer fails naming WECHAT_APP_ID when no AppID is configured (it names the original app)', async () => {
    delete process.env.WECHAT_APP_ID;
    vi.resetModules();
    await expect(import('../../../functions/authorizer/handler.js')).rejects.toThrow(/WECHAT_APP_ID/);
  });

  it('authorizer fails naming SESSION_TTL_SECONDS when it is malformed', async () => {
    process.env.SESSION_TTL_SECONDS = '7 days';
    await expect(coldStart('authorizer')).rejects.toThrow(/SESSION_TTL_SECONDS/);
  });
});
