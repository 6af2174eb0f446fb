import { afterEach, describe, expect, it, vi } from 'vitest';
import { functionNames } from '../../functions/shared/routes.js';
import { FunctionAccessError, accessOf, assertAccessCovers, functionAccess } from '../../infra/function-access.js';
import { APP_ID } from './synth.js';

describe('function access map (infra/function-access.ts)', () => {
  afterEach(() => {
    vi.doUnmock('../../functions/shared/routes.js');
    vi.resetModules();
  });

  it('covers exactly the functions routes.ts deploys', () => {
    expect(() => assertAccessCovers(functionNames())).not.toThrow();
    expect(Object.keys(functionAccess).sort()).toEqual([...functionNames()].sort());
  });

  it('fails loudly, naming the function and the file, for a function without an entry', () => {
    expect(() => accessOf('decrypt')).toThrow(FunctionAccessError);
    expect(() => accessOf('decrypt')).toThrow(/"decrypt".*infra\/function-access\.ts/);
    expect(() => accessOf('toString')).toThrow(FunctionAccessError);
    expect(() => assertAccessCovers([...functionNames(), 'decrypt'])).toThrow(/decrypt/);
  });

  it('fails for an entry whose function no route deploys', () => {
    expect(() => assertAccessCovers(functionNames().filter((fn) => fn !== 'me'))).toThrow(/me/);
  });

  it('fails the synth when routes.ts gains a function the access map does not know', async () => {
    vi.doMock('../../functions/shared/routes.js', async (importOriginal) => {
      const original = await importOriginal<typeof import('../../functions/shared/routes.js')>();
      const routes = [...original.routes, { method: 'POST', path: '/wx/decrypt', fn: 'decrypt', authorized: true }];
      return { ...original, routes, functionNames: () => [...new Set([...routes.map((r) => r.fn), 'authorizer'])] };
    });
    vi.resetModules();
    const { App } = await import('aws-cdk-lib');
    const { WeChatLoginStack } = await import('../../infra/stack.js');
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new WeChatLoginStack(app, 'Unmapped', { wechatAppId: APP_ID })).toThrow(
      /"decrypt".*has no entry in infra\/function-access\.ts/
    );
  });
});
