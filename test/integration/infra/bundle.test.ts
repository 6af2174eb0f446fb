import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionNames } from '../../../functions/shared/contract/routes.js';
import { bundleFunction, esbuildOptions, lambdaBundling } from '../../../infra/bundling.js';
import { type Json, resourcesOf, synth } from '../../support/synth.js';

const run = promisify(execFile);

/**
 * The one test that runs the real bundling: every handler through esbuild with the stack's own settings
 * (infra/bundling.ts), then each bundle imported by a fresh Node 24 process that has no node_modules in reach,
 * exactly the environment the stack gives that function (plus what the Lambda runtime itself sets), and sockets that
 * report any connection: importing must not call AWS, and must not need a variable the stack leaves out.
 */
const lambdaRuntimeVariables = {
  AWS_REGION: 'ap-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Stand-ins for the values CloudFormation resolves at deploy time (Refs to the table and the secret). */
const deployTimeValues: Record<string, string> = {
  TABLE_NAME: 'sessions',
  WECHAT_APP_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:wechat-app-secret-AbCdEf',
};

/** Each function's environment as the synthesized stack sets it, deploy-time references replaced. */
const stackEnvironments = (): Map<string, Record<string, string>> => {
  const { stack, template } = synth();
  const resources = resourcesOf(template);
  return new Map(
    [...stack.functions].map(([name, construct]) => {
      const id = stack.getLogicalId(construct.fn.node.defaultChild as CfnFunction);
      const variables = (resources[id]!.Properties!.Environment as { Variables: Json }).Variables;
      const resolved = Object.entries(variables).map(([variable, value]) => {
        if (typeof value === 'string') return [variable, value];
        const stand = deployTimeValues[variable];
        if (stand === undefined) throw new Error(`${name}: no stand-in for the deploy-time value of ${variable}`);
        return [variable, stand];
      });
      return [name, Object.fromEntries(resolved) as Record<string, string>];
    })
  );
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
  let environments: Map<string, Record<string, string>>;

  beforeAll(async () => {
    environments = stackEnvironments();
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
    '%s: a minified ES module with a source map that loads in Node 24 with exactly its stack environment, exports handler and calls nothing at import',
    async (name) => {
      const environment = environments.get(name);
      expect(environment).toBeDefined();
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
        { cwd: outdir, env: { PATH: process.env.PATH, ...lambdaRuntimeVariables, ...environment }, timeout: 30_000 }
      );
      expect(stderr).not.toContain('NETWORK-ATTEMPT');
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { node: string; handler: string };
      expect(result.node).toMatch(/^24\./);
      expect(result.handler).toBe('function');
    },
    60_000
  );
});
