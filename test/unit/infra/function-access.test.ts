import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { functionNames } from '../../../functions/shared/contract/routes.js';
import { sessionTable } from '../../../functions/shared/contract/table.js';
import { counterKey } from '../../../functions/shared/limits/dynamodb-counter-store.js';
import { recentAnswerKey } from '../../../functions/shared/limits/dynamodb-recent-answer-store.js';
import { CODE_PK_PREFIX } from '../../../functions/shared/login/dynamodb-login-replay-persistence.js';
import { replayKeysOf } from '../../../functions/shared/login/replay-crypto.js';
import { SESSION_PK_PREFIX, USER_PK_PREFIX } from '../../../functions/shared/sessions/dynamodb-session-persistence.js';
import { accessTokenKeyOf } from '../../../functions/shared/wechat/dynamodb-access-token-persistence.js';
import { handlerEntry } from '../../../infra/bundling.js';
import {
  accessOf,
  assertAccessCovers,
  FunctionAccessError,
  functionAccess,
  type ItemKind,
  leadingKeysOf,
  validAccess,
} from '../../../infra/function-access.js';
import { APP_ID } from '../../support/synth.js';

/** The functions/shared/runtime/config.ts readers a handler calls, read from its source. */
const configReadersCalledBy = (fn: string): string[] =>
  [...new Set([...readFileSync(handlerEntry(fn), 'utf8').matchAll(/\b(read\w+Config)\(/g)].map((m) => m[1]!))].sort();

/** IAM's StringLike: `*` matches any run of characters, `?` any one; everything else literally. */
const stringLike = (value: string, pattern: string): boolean => {
  const literal = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${literal(pattern).replaceAll('*', '.*').replaceAll('?', '.')}$`).test(value);
};

describe('function access map (infra/function-access.ts)', () => {
  afterEach(() => {
    vi.doUnmock('../../../functions/shared/contract/routes.js');
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

  it('declares exactly the config readers each handler calls at cold start (its environment comes from them)', () => {
    for (const fn of functionNames()) {
      expect([...accessOf(fn).config].sort(), fn).toEqual(configReadersCalledBy(fn));
    }
    // The reviewer's point: wx-verify checks signatures only, so it reads no AppID.
    expect(configReadersCalledBy('wx-verify')).toEqual(['readTableConfig']);
  });

  it("grants on key patterns that match the keys the persistence layers build, and not each other's", () => {
    const keys: Record<ItemKind, string> = {
      session: SESSION_PK_PREFIX + 'a'.repeat(64),
      user: `${USER_PK_PREFIX}oAbC123`,
      token: accessTokenKeyOf('wx0123456789abcdef'),
      loginLimit: counterKey(sessionTable.keyPrefixes.loginLimit, '2001:db8::1', { start: 60, end: 120 }),
      phoneLimit: counterKey(sessionTable.keyPrefixes.phoneLimit, 'oAbC123', { start: 86_400, end: 172_800 }),
      statusCheck: recentAnswerKey(sessionTable.keyPrefixes.statusCheck, 'oAbC123'),
      loginCode: `${CODE_PK_PREFIX}${replayKeysOf('0a1B2c3D', 'wx0123456789abcdef').lookupId}`,
    };
    const kinds = Object.keys(keys) as ItemKind[];
    for (const kind of kinds) {
      for (const other of kinds) {
        const patterns = leadingKeysOf({ items: [other], actions: ['dynamodb:GetItem'], attributes: ['pk'] });
        expect(
          patterns.some((pattern) => stringLike(keys[kind], pattern)),
          `${kind} key, ${other} grant`
        ).toBe(kind === other);
      }
    }
  });

  it('refuses an entry with table grants but no table config, table config without grants, or an empty grant', () => {
    const get = ['dynamodb:GetItem'] as const;
    expect(() =>
      validAccess('x', {
        table: [{ items: ['session'], actions: get, attributes: ['pk'] }],
        config: ['readAppIdsConfig'],
      })
    ).toThrow(FunctionAccessError);
    expect(() => validAccess('x', { table: [], config: ['readTableConfig'] })).toThrow(/"x".*table's config/);
    expect(() =>
      validAccess('x', { table: [{ items: [], actions: get, attributes: ['pk'] }], config: ['readTableConfig'] })
    ).toThrow(/without item kinds or actions/);
    expect(() =>
      validAccess('x', { table: [{ items: ['token'], actions: [], attributes: ['pk'] }], config: ['readTableConfig'] })
    ).toThrow(/without item kinds or actions/);
    expect(() =>
      validAccess('x', {
        table: [{ items: ['user'], actions: get, attributes: ['sessionKey'] }],
        config: ['readTableConfig'],
      })
    ).toThrow(/leave out the key/);
    expect(validAccess('x', { table: [], config: [] })).toEqual({ table: [], config: [] });
  });

  it('fails for an entry whose function no route deploys', () => {
    expect(() => assertAccessCovers(functionNames().filter((fn) => fn !== 'me'))).toThrow(/me/);
  });

  it('fails the synth when routes.ts gains a function the access map does not know', async () => {
    vi.doMock('../../../functions/shared/contract/routes.js', async (importOriginal) => {
      const original = await importOriginal<typeof import('../../../functions/shared/contract/routes.js')>();
      const routes = [...original.routes, { method: 'POST', path: '/wx/decrypt', fn: 'decrypt', authorized: true }];
      return { ...original, routes, functionNames: () => [...new Set([...routes.map((r) => r.fn), 'authorizer'])] };
    });
    vi.resetModules();
    const { App } = await import('aws-cdk-lib');
    const { WeChatLoginStack } = await import('../../../infra/stack.js');
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new WeChatLoginStack(app, 'Unmapped', { wechatAppId: APP_ID })).toThrow(
      /"decrypt".*has no entry in infra\/function-access\.ts/
    );
  });
});
