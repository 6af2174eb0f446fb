/**
 * What each function may touch, declared in one place. The stack grants exactly this and nothing else: a function
 * listed in functions/shared/routes.ts without an entry here fails the synth, so a new function starts with an
 * explicit decision, never with inherited rights.
 *
 * To add a function: add its route in functions/shared/routes.ts and its entry below. Name single item actions
 * (the union keeps wildcards out at compile time); the stack scopes them to the session table's ARN.
 */
type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:ConditionCheckItem';

interface FunctionAccess {
  /** Actions on the session table. Empty: the function gets no table access at all. */
  readonly table: readonly TableAction[];
  /** Whether the function reads the WeChat app secret from Secrets Manager. */
  readonly appSecret: boolean;
}

const functionAccess: Readonly<Record<string, FunctionAccess>> = {
  /** Writes the new session (a conditional put, never an overwrite); needs the app secret for code2Session. */
  login: { table: ['dynamodb:PutItem'], appSecret: true },
  /** Reads the session and renews it with a conditional update. */
  authorizer: { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], appSecret: false },
  /** Deletes the calling session only. */
  logout: { table: ['dynamodb:DeleteItem'], appSecret: false },
  /** Read the caller from the authorizer's context: no table, no secret. */
  me: { table: [], appSecret: false },
  products: { table: [], appSecret: false },
  /** Read the user's latest session_key (and, for sessions older than that record, the session itself). */
  'wx-decrypt': { table: ['dynamodb:GetItem'], appSecret: false },
  'wx-verify': { table: ['dynamodb:GetItem'], appSecret: false },
  /**
   * Reads the latest session_key; reads and conditionally updates the shared access_token entry (lock, save,
   * expire); deletes the calling session when WeChat says its session_key is invalid. The secret fetches the token.
   */
  'wx-session-key-status': {
    table: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    appSecret: true,
  },
  /** Only the shared access_token entry (read, conditional updates); the secret fetches the token. */
  'wx-phone': { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], appSecret: true },
};

class FunctionAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionAccessError';
  }
}

/** The entry for one function; throws (failing the synth) when there is none. */
const accessOf = (fn: string): FunctionAccess => {
  const access = Object.hasOwn(functionAccess, fn) ? functionAccess[fn] : undefined;
  if (!access) {
    throw new FunctionAccessError(
      `Function "${fn}" (functions/shared/routes.ts) has no entry in infra/function-access.ts: ` +
        'declare its table actions and whether it reads the app secret'
    );
  }
  if (access.table.some((action) => action.includes('*'))) {
    throw new FunctionAccessError(`Function "${fn}" has a wildcard table action in infra/function-access.ts`);
  }
  return access;
};

/** Entries must match the deployed functions both ways: a stale entry is a grant nobody reviews. */
const assertAccessCovers = (functionNames: readonly string[]): void => {
  for (const fn of functionNames) accessOf(fn);
  const stale = Object.keys(functionAccess).filter((fn) => !functionNames.includes(fn));
  if (stale.length > 0) {
    throw new FunctionAccessError(
      `infra/function-access.ts has entries for functions no route deploys: ${stale.join(', ')}`
    );
  }
};

export { FunctionAccessError, accessOf, assertAccessCovers, functionAccess };
export type { FunctionAccess, TableAction };
