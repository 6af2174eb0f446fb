import { vi } from 'vitest';

import type { LambdaHandler } from '../../infra/local/lambda-runtime.js';

/**
 * Fresh imports of `functions/<name>/handler.ts` after `env` is set, as a Lambda cold start does: each handler reads
 * its configuration when its module loads. `beforeImport` runs before each import (to tag the clients it creates).
 *
 * @example
 * const handlers = await coldStart(['login', 'authorizer'], { TABLE_NAME: tableName });
 */
const coldStart = async <Name extends string>(
  names: readonly Name[],
  env: Record<string, string>,
  beforeImport?: (name: Name) => void
): Promise<Record<Name, LambdaHandler>> => {
  vi.resetModules();
  Object.assign(process.env, env);
  const handlers = {} as Record<Name, LambdaHandler>;
  for (const name of names) {
    beforeImport?.(name);
    handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: LambdaHandler }).handler;
  }
  return handlers;
};

export type { LambdaHandler };
export { coldStart };
