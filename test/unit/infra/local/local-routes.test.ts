import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLocalRoutes } from '../../../../infra/local/local-routes.js';

/** LOCAL_ROUTES_FILE parsing: what is accepted, the defaults, and a named refusal for everything else. */
const folder = mkdtempSync(path.join(tmpdir(), 'local-routes-unit-'));
mkdirSync(path.join(folder, 'fns'), { recursive: true });
for (const file of ['fns/orders.ts', 'fns/get_order.py', 'fns/other/orders.ts']) {
  mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
  writeFileSync(path.join(folder, file), '');
}
let counter = 0;
const routesFile = (content: unknown) => {
  counter += 1;
  const file = path.join(folder, `routes-${counter}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const read = (content: unknown) => readLocalRoutes(routesFile(content), ['POST /login', 'GET /me'], ['login', 'me']);

describe('LOCAL_ROUTES_FILE', () => {
  it("resolves handler paths against the file's folder, with Lambda's defaults for what is left out", () => {
    const [list, get] = read([
      { route: 'GET /orders', handler: 'fns/orders.ts#handler' },
      { route: 'GET /orders/{id}', handler: 'fns/get_order.py#handler', authorized: false, timeoutSeconds: 9 },
    ]);
    expect(list).toMatchObject({
      routeKey: 'GET /orders',
      file: path.join(folder, 'fns/orders.ts'),
      exportName: 'handler',
      authorized: true,
      fn: { name: 'orders', timeoutSeconds: 3, memorySizeMb: 128 },
    });
    expect(get).toMatchObject({ authorized: false, fn: { name: 'get_order', timeoutSeconds: 9 } });
  });

  it("gives each handler its own function name, never one of the project's", () => {
    const entries = read([
      { route: 'GET /a', handler: 'fns/orders.ts#handler' },
      { route: 'GET /b', handler: 'fns/orders.ts#handler' },
      { route: 'GET /c', handler: 'fns/orders.ts#list' },
      { route: 'GET /d', handler: 'fns/other/orders.ts#handler' },
      { route: '$default', handler: 'fns/orders.ts#handler' },
    ]);
    expect(entries.map((entry) => entry.fn.name)).toEqual(['orders', 'orders', 'orders-list', 'orders-2', 'orders']);
    writeFileSync(path.join(folder, 'fns/me.ts'), '');
    expect(read([{ route: 'GET /x', handler: 'fns/me.ts#handler' }])[0]?.fn.name).toBe('me-2');
  });

  it('refuses a malformed file, naming the file, the entry and the problem', () => {
    const cases: [unknown, RegExp][] = [
      ['[', /is not valid JSON/],
      [{ route: 'GET /x' }, /must hold a JSON array of routes/],
      [['GET /x'], /entry 1 must be an object/],
      [
        [{ route: 'GET /x', handler: 'fns/orders.ts#handler', memory: 1 }],
        /entry 1 \("GET \/x"\) has an unknown field "memory"/,
      ],
      [[{ handler: 'fns/orders.ts#handler' }], /"route" must be a string/],
      [[{ route: 'GET /{proxy+}/x', handler: 'fns/orders.ts#handler' }], /greedy variable that is not at the end/],
      [[{ route: 'GET /x', handler: 'fns/orders.ts' }], /"handler" must be "<file>#<export>"/],
      [[{ route: 'GET /x', handler: 'fns/orders.rb#handler' }], /must be TypeScript, JavaScript or Python/],
      [[{ route: 'GET /x', handler: 'fns/missing.ts#handler' }], /missing\.ts does not exist/],
      [
        [{ route: 'GET /x', handler: 'fns/orders.ts#handler', authorized: 'yes' }],
        /"authorized" must be true or false/,
      ],
      [[{ route: 'GET /x', handler: 'fns/orders.ts#handler', timeoutSeconds: 0 }], /from 1 to 900/],
      [[{ route: 'GET /x', handler: 'fns/orders.ts#handler', timeoutSeconds: 901 }], /from 1 to 900/],
      [[{ route: 'GET /x', handler: 'fns/orders.ts#handler', timeoutSeconds: 2.5 }], /from 1 to 900/],
      [[{ route: 'GET /me', handler: 'fns/orders.ts#handler' }], /entry 1 \("GET \/me"\) duplicates a route/],
      [
        [
          { route: 'GET /x', handler: 'fns/orders.ts#handler' },
          { route: 'GET /x', handler: 'fns/orders.ts#handler' },
        ],
        /entry 2 \("GET \/x"\) duplicates a route/,
      ],
    ];
    for (const [content, problem] of cases) {
      const file = routesFile(content);
      expect(() => readLocalRoutes(file, ['GET /me'], []), JSON.stringify(content)).toThrow(problem);
      expect(() => readLocalRoutes(file, ['GET /me'], [])).toThrow(`LOCAL_ROUTES_FILE ${file}`);
    }
    expect(() => readLocalRoutes(path.join(folder, 'absent.json'), [], [])).toThrow(/cannot be read \(ENOENT\)/);
  });
});
