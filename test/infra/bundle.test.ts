import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionNames } from '../../functions/shared/routes.js';
import { bundleFunction, esbuildOptions, lambdaBundling, runtimeEnvironment } from '../../infra/bundling.js';

const run = promisify(execFile);

/**
 * The one test that runs the real bundling: every handler through esbuild with the stack's own settings
 * (infra/bundling.ts), then each bundle imported by a fresh Node 24 process that has no node_modules in reach, the
 * environment Lambda would give it, and sockets that report any connection: importing must not call AWS.
 */
const lambdaEnvironment = {
  TABLE_NAME: 'sessions',
  WECHAT_APP_ID: 'wx1234567890abcdef',
  WECHAT_APP_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:wechat-app-secret-AbCdEf',
  WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
  SESSION_TTL_SECONDS: '604800',
  SESSION_MAX_AGE_SECONDS: '2592000',
  POWERTOOLS_SERVICE_NAME: 'wechat-login',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'ap-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example',
  AWS_EC2_METADATA_DISABLED: 'true',
  ...runtimeEnvironment,
};

/** Preloaded into the child: any TCP connection attempt (SDK or fetch) is reported on stderr. */
const NETWORK_PROBE =
  "import net from 'node:net'; const connect = net.Socket.prototype.connect; " +
  "net.Socket.prototype.connect = function (...args) { process.stderr.write('NETWORK-ATTEMPT\\n'); " +
  'return connect.apply(this, args); };';

/** Imports the bundle, lets any import-time async work start, and reports what it found. */
const IMPORT_CHECK =
  'const module = await import(process.argv[1]); await new Promise((resolve) => setTimeout(resolve, 50)); ' +
  'console.log(JSON.stringify({ node: process.versions.node, handler: typeof module.handler }));';

describe('bundling every handler with the stack’s esbuild settings', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bundles-'));
  const bundles = new Map<string, string>();

  beforeAll(async () => {
    await Promise.all(
      functionNames().map(async (name) => {
        bundles.set(name, await bundleFunction(name, outdir));
      })
    );
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('feeds NodejsFunction and esbuild the same settings', () => {
    const cdk = lambdaBundling();
    const api = esbuildOptions('login', outdir);
    expect(cdk).toMatchObject({
      target: api.target,
      format: api.format,
      minify: api.minify,
      sourceMap: api.sourcemap,
      sourcesContent: api.sourcesContent,
      mainFields: api.mainFields,
      banner: api.banner && typeof api.banner === 'object' ? api.banner.js : undefined,
      externalModules: api.external,
    });
    expect(cdk).toMatchObject({ target: 'node24', format: 'esm', minify: true, sourceMap: true });
  });

  it.each(functionNames())(
    '%s: a minified ES module with a source map that loads in Node 24, exports handler and calls nothing at import',
    async (name) => {
      const file = bundles.get(name)!;
      expect(path.basename(file)).toBe('index.mjs');
      expect(existsSync(`${file}.map`)).toBe(true);
      const code = readFileSync(file, 'utf8');
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      // Minified: long lines (newlines survive only inside template literals), not one statement per line.
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);

      const { stdout, stderr } = await run(
        process.execPath,
        [
          '--import',
          `data:text/javascript,${encodeURIComponent(NETWORK_PROBE)}`,
          '--input-type=module',
          '--eval',
          IMPORT_CHECK,
          pathToFileURL(file).href,
        ],
        // The bundle lives outside the repository, so an import that was left out of it cannot resolve.
        { cwd: outdir, env: { PATH: process.env.PATH, ...lambdaEnvironment }, timeout: 30_000 }
      );
      expect(stderr).not.toContain('NETWORK-ATTEMPT');
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { node: string; handler: string };
      expect(result.node).toMatch(/^24\./);
      expect(result.handler).toBe('function');
    },
    60_000
  );
});
