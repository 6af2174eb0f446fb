import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaHandler, LocalFunction } from './lambda-runtime.js';
import { checkPythonHandler, pythonHandler } from './python-handler.js';
import { routeKeyProblem } from './routing.js';

/**
 * LOCAL_ROUTES_FILE: another team's functions served by the twin behind the session authorizer (README, Local twin).
 * The file is a JSON array of
 *   {"route": "GET /orders/{id}", "handler": "functions/get_order.py#handler", "authorized": true, "timeoutSeconds": 3}
 * `handler` is `<file>#<export>`, the file a TypeScript/JavaScript module or a Python file (run with python3), its
 * path relative to the JSON file's folder. `authorized` defaults to true, `timeoutSeconds` to Lambda's default (3 s,
 * at most Lambda's 900). Anything else is refused with a message naming the entry and the problem.
 */
interface LocalRouteEntry {
  readonly routeKey: string;
  readonly file: string;
  readonly exportName: string;
  readonly authorized: boolean;
  readonly fn: LocalFunction;
}

class LocalRoutesError extends Error {
  override name = 'LocalRoutesError';
}

/** Lambda's defaults for a function created without settings (as `lambda.Function` does). */
const LAMBDA_DEFAULTS = { timeoutSeconds: 3, memorySizeMb: 128, maxTimeoutSeconds: 900 } as const;
const FIELDS = ['route', 'handler', 'authorized', 'timeoutSeconds'];
const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const PYTHON_EXTENSION = '.py';
const EXPORT_NAME = /^[A-Za-z_$][\w$]*$/;

const readJson = (file: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LocalRoutesError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LocalRoutesError(`is not valid JSON: ${(error as Error).message}`);
  }
};

/** `<file>#<export>` resolved against `folder`, checked for a supported, existing file. */
const parseHandler = (value: unknown, folder: string): { file: string; exportName: string } => {
  if (typeof value !== 'string') throw new LocalRoutesError('"handler" must be a string "<file>#<export>"');
  const hash = value.lastIndexOf('#');
  const [relative, exportName] = hash > 0 ? [value.slice(0, hash), value.slice(hash + 1)] : [value, ''];
  if (!EXPORT_NAME.test(exportName)) throw new LocalRoutesError(`"handler" must be "<file>#<export>", got "${value}"`);
  const file = path.resolve(folder, relative);
  const extension = path.extname(file);
  if (![...SCRIPT_EXTENSIONS, PYTHON_EXTENSION].includes(extension)) {
    throw new LocalRoutesError(`handler file ${relative} must be TypeScript, JavaScript or Python (.ts, .js, .py...)`);
  }
  if (!existsSync(file) || !statSync(file).isFile()) throw new LocalRoutesError(`handler file ${file} does not exist`);
  return { file, exportName };
};

const parseTimeout = (value: unknown): number => {
  if (value === undefined) return LAMBDA_DEFAULTS.timeoutSeconds;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > LAMBDA_DEFAULTS.maxTimeoutSeconds) {
    throw new LocalRoutesError(
      `"timeoutSeconds" must be a whole number from 1 to ${LAMBDA_DEFAULTS.maxTimeoutSeconds}`
    );
  }
  return value;
};

const parseRouteKey = (value: unknown): string => {
  if (typeof value !== 'string') throw new LocalRoutesError('"route" must be a string such as "GET /orders/{id}"');
  const problem = routeKeyProblem(value);
  if (problem) throw new LocalRoutesError(`"route" ${problem}, got "${value}"`);
  return value;
};

const parseEntry = (entry: unknown, folder: string) => {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new LocalRoutesError('must be an object with "route" and "handler"');
  }
  const unknown = Object.keys(entry).find((key) => !FIELDS.includes(key));
  if (unknown) throw new LocalRoutesError(`has an unknown field "${unknown}" (known: ${FIELDS.join(', ')})`);
  const fields = entry as Record<string, unknown>;
  if (fields.authorized !== undefined && typeof fields.authorized !== 'boolean') {
    throw new LocalRoutesError('"authorized" must be true or false');
  }
  return {
    routeKey: parseRouteKey(fields.route),
    ...parseHandler(fields.handler, folder),
    authorized: fields.authorized ?? true,
    timeoutSeconds: parseTimeout(fields.timeoutSeconds),
  };
};

/** A Lambda-like function name for a handler, unique among `taken` (the project's functions included). */
const functionNameFor = (file: string, exportName: string, taken: Map<string, string>): string => {
  const base = `${path.basename(file, path.extname(file))}${exportName === 'handler' ? '' : `-${exportName}`}`;
  const spec = `${file}#${exportName}`;
  let name = base.replace(/[^\w-]/g, '-');
  for (let n = 2; taken.has(name) && taken.get(name) !== spec; n += 1) name = `${base}-${n}`;
  taken.set(name, spec);
  return name;
};

/** Reads and checks LOCAL_ROUTES_FILE; `reservedRouteKeys` and `reservedNames` are the project's own. */
const readLocalRoutes = (
  file: string,
  reservedRouteKeys: readonly string[],
  reservedNames: readonly string[]
): LocalRouteEntry[] => {
  const describe = (error: unknown, where: string) =>
    new LocalRoutesError(`LOCAL_ROUTES_FILE ${file}${where} ${(error as Error).message}`);
  const document = (() => {
    try {
      return readJson(file);
    } catch (error) {
      throw describe(error, '');
    }
  })();
  if (!Array.isArray(document)) throw describe(new Error('must hold a JSON array of routes'), '');
  const taken = new Map(reservedNames.map((name) => [name, `project:${name}`]));
  const seen = new Set(reservedRouteKeys);
  return document.map((entry, index) => {
    const where = `: entry ${index + 1}${typeof entry?.route === 'string' ? ` ("${entry.route}")` : ''}`;
    try {
      const parsed = parseEntry(entry, path.dirname(path.resolve(file)));
      if (seen.has(parsed.routeKey)) throw new LocalRoutesError('duplicates a route the twin already serves');
      seen.add(parsed.routeKey);
      const name = functionNameFor(parsed.file, parsed.exportName, taken);
      const fn = { name, timeoutSeconds: parsed.timeoutSeconds, memorySizeMb: LAMBDA_DEFAULTS.memorySizeMb };
      return {
        routeKey: parsed.routeKey,
        file: parsed.file,
        exportName: parsed.exportName,
        authorized: parsed.authorized,
        fn,
      };
    } catch (error) {
      throw describe(error, where);
    }
  });
};

/**
 * Loads an entry's handler now, as a cold start would, so a missing export or a file that does not load stops the
 * twin at startup rather than on the first request.
 */
const loadLocalHandler = async (entry: LocalRouteEntry): Promise<LambdaHandler> => {
  const where = `${path.basename(entry.file)}#${entry.exportName}`;
  try {
    if (path.extname(entry.file) === PYTHON_EXTENSION) {
      await checkPythonHandler(entry.file, entry.exportName);
      return pythonHandler(entry.file, entry.exportName);
    }
    const module = (await import(pathToFileURL(entry.file).href)) as Record<string, unknown>;
    const handler = module[entry.exportName];
    if (typeof handler !== 'function') throw new Error(`exports no function named ${entry.exportName}`);
    return handler as LambdaHandler;
  } catch (error) {
    throw new LocalRoutesError(`LOCAL_ROUTES_FILE route "${entry.routeKey}": ${where} ${(error as Error).message}`);
  }
};

export type { LocalRouteEntry };
export { LAMBDA_DEFAULTS, LocalRoutesError, loadLocalHandler, readLocalRoutes };
