import {
  type ConfigReader,
  type DeployedVariable,
  deployedVariables,
} from '../functions/shared/contract/deployed-variables.js';
import { sessionTable } from '../functions/shared/contract/table.js';

/**
 * What each function may touch, declared in one place. The stack grants exactly this and nothing else: a function
 * listed in functions/shared/contract/routes.ts without an entry here fails the synth, so a new function starts with an
 * explicit decision, never with inherited rights.
 *
 * To add a function: add its route in functions/shared/contract/routes.ts and its entry below. Name single item actions
 * (the union keeps wildcards out at compile time) and the item kinds each applies to; the stack scopes them to the
 * session table's ARN and, with a `dynamodb:LeadingKeys` condition, to keys starting with those kinds' prefixes.
 */
type TableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:DeleteItem';

/** An item kind of the shared table (functions/shared/contract/table.ts `keyPrefixes`). */
type ItemKind = keyof typeof sessionTable.keyPrefixes;

/** Some actions on some item kinds; one IAM statement each. */
interface TableGrant {
  readonly items: readonly ItemKind[];
  readonly actions: readonly TableAction[];
}

interface FunctionAccess {
  /** Grants on the session table. Empty: the function gets no table access at all. */
  readonly table: readonly TableGrant[];
  /**
   * The functions/shared/runtime/config.ts readers the handler calls at cold start: the function gets exactly their
   * variables, and the app secret's ARN with permission to read it only through readWeChatConfig.
   */
  readonly config: readonly ConfigReader[];
}

const functionAccess: Readonly<Record<string, FunctionAccess>> = {
  /**
   * One conditional update of the client IP's attempt counter (before WeChat is asked), a conditional put claiming the
   * code's replay record, then one TransactWriteItems of two puts: the new session (conditional, never an overwrite)
   * and the user's newest session_key, and the record's completion. The app secret is for code2Session.
   */
  login: {
    table: [
      // Replay-safe login adds the code's record (claimed with a put; read, completed and released) and a read of a
      // replayed session, to see that it still lives.
      { items: ['session', 'user', 'loginCode'], actions: ['dynamodb:PutItem'] },
      { items: ['session', 'loginCode'], actions: ['dynamodb:GetItem'] },
      { items: ['loginLimit', 'loginCode'], actions: ['dynamodb:UpdateItem'] },
      { items: ['loginCode'], actions: ['dynamodb:DeleteItem'] },
    ],
    config: ['readSessionConfig', 'readWeChatConfig', 'readLoginLimitConfig'],
  },
  /** Reads the session and renews it with a conditional update. */
  authorizer: {
    table: [{ items: ['session'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] }],
    config: ['readSessionConfig'],
  },
  /** Deletes the calling session only. */
  logout: {
    table: [{ items: ['session'], actions: ['dynamodb:DeleteItem'] }],
    config: ['readSessionConfig'],
  },
  /** Read the caller from the authorizer's context: no table, no secret, no configuration. */
  me: { table: [], config: [] },
  products: { table: [], config: [] },
  /**
   * Read the user's newest session_key (the authorizer has already checked the session). Decrypt also checks the
   * plaintext's watermark against the AppID; verify needs no AppID.
   */
  'wx-decrypt': {
    table: [{ items: ['user'], actions: ['dynamodb:GetItem'] }],
    config: ['readTableConfig', 'readAppIdConfig'],
  },
  'wx-verify': {
    table: [{ items: ['user'], actions: ['dynamodb:GetItem'] }],
    config: ['readTableConfig'],
  },
  /**
   * Reads the newest session_key (as decrypt does); deletes the calling session when WeChat says its session_key is
   * invalid; reads and conditionally updates the shared access_token entry (lock, save, expire); reads the user's last
   * check and claims the next one with a conditional update (WeChat asked at most once per user per 60 s). The secret
   * fetches the token.
   */
  'wx-session-key-status': {
    table: [
      { items: ['user'], actions: ['dynamodb:GetItem'] },
      { items: ['session'], actions: ['dynamodb:DeleteItem'] },
      { items: ['token'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
      { items: ['statusCheck'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
    ],
    config: ['readSessionConfig', 'readWeChatConfig'],
  },
  /**
   * The user's daily lookup counter (one conditional update, before WeChat is asked) and the shared access_token
   * entry (read, conditional updates); the secret fetches the token.
   */
  'wx-phone': {
    table: [
      { items: ['phoneLimit'], actions: ['dynamodb:UpdateItem'] },
      { items: ['token'], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
    ],
    config: ['readTableConfig', 'readWeChatConfig', 'readPhoneLimitConfig'],
  },
};

/** Every table action an entry grants, on any item kind, sorted. */
const tableActionsOf = (access: FunctionAccess): TableAction[] =>
  [...new Set(access.table.flatMap((grant) => grant.actions))].sort();

/** The `dynamodb:LeadingKeys` patterns of one grant: the partition key starts with one of its kinds' prefixes. */
const leadingKeysOf = (grant: TableGrant): string[] => grant.items.map((kind) => `${sessionTable.keyPrefixes[kind]}*`);

/** Whether the function reads the WeChat app secret: only readWeChatConfig takes its ARN. */
const readsAppSecret = (access: FunctionAccess): boolean => access.config.includes('readWeChatConfig');

/** The variables the function's config readers take, in the order they are first named. */
const variablesOf = (access: FunctionAccess): DeployedVariable[] => [
  ...new Set(access.config.flatMap((reader) => deployedVariables[reader])),
];

/** An access map that could not be right (a missing, stale or malformed entry): thrown at synth, so no deploy. */
class FunctionAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionAccessError';
  }
}

/** Checks one entry, failing the synth on a grant that could not be right. */
const validAccess = (fn: string, access: FunctionAccess): FunctionAccess => {
  if (tableActionsOf(access).some((action) => action.includes('*'))) {
    throw new FunctionAccessError(`Function "${fn}" has a wildcard table action in infra/function-access.ts`);
  }
  if (access.table.some((grant) => grant.items.length === 0 || grant.actions.length === 0)) {
    throw new FunctionAccessError(
      `Function "${fn}" has a table grant without item kinds or actions in infra/function-access.ts`
    );
  }
  // Table rights without TABLE_NAME could never be used; TABLE_NAME without rights would fail every request.
  if (access.table.length > 0 !== variablesOf(access).includes('TABLE_NAME')) {
    throw new FunctionAccessError(
      `Function "${fn}" in infra/function-access.ts must read the table's config exactly when it has table grants`
    );
  }
  return access;
};

/** The entry for one function; throws (failing the synth) when there is none. */
const accessOf = (fn: string): FunctionAccess => {
  const access = Object.hasOwn(functionAccess, fn) ? functionAccess[fn] : undefined;
  if (!access) {
    throw new FunctionAccessError(
      `Function "${fn}" (functions/shared/contract/routes.ts) has no entry in infra/function-access.ts: ` +
        'declare its table grants and the config readers its handler calls'
    );
  }
  return validAccess(fn, access);
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

export type { FunctionAccess, ItemKind, TableAction, TableGrant };
export {
  accessOf,
  assertAccessCovers,
  FunctionAccessError,
  functionAccess,
  leadingKeysOf,
  readsAppSecret,
  tableActionsOf,
  validAccess,
  variablesOf,
};
