import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build } from 'esbuild';

/**
 * How every function is built and run, written once. The stack hands these settings to NodejsFunction (which runs
 * the esbuild CLI at synth), and `bundleFunction` runs the same settings through esbuild's API, so the bundle test
 * and the cold-start benchmarks load exactly what Lambda would.
 */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const lambdaRuntime = Runtime.NODEJS_24_X;
const lambdaArchitecture = Architecture.ARM_64;

/** `functions/<name>/handler.ts`, as routes.ts promises. */
const handlerEntry = (name: string): string => path.join(repoRoot, 'functions', name, 'handler.ts');

const esbuildSettings = {
  /** Matches lambdaRuntime; NodejsFunction would derive the same from the runtime name. */
  target: 'node24',
  platform: 'node',
  format: 'esm',
  minify: true,
  /** A linked .map file; sources left out to keep the map (parsed at cold start, see runtimeEnvironment) small. */
  sourcemap: true,
  sourcesContent: false,
  /** Prefer packages' ESM builds: better tree-shaking of the AWS SDK, Powertools and middy. */
  mainFields: ['module', 'main'],
  /**
   * CommonJS code bundled into an ES module still calls `require` for Node built-ins; ESM has no `require`, so the
   * bundle makes one. The alias avoids clashing with a bundled `createRequire` import.
   */
  banner:
    "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
  /**
   * Nothing external, the AWS SDK included: the versions we test are the versions we run, and a tree-shaken SDK
   * loads faster than the runtime's full copy.
   */
  external: [] as string[],
} as const;

/** Environment every function needs for the build above to behave: stack traces through the source maps. */
const runtimeEnvironment: Readonly<Record<string, string>> = {
  NODE_OPTIONS: '--enable-source-maps',
};

/** The settings in NodejsFunction's terms. */
const lambdaBundling = (): BundlingOptions => ({
  target: esbuildSettings.target,
  format: OutputFormat.ESM,
  minify: esbuildSettings.minify,
  sourceMap: esbuildSettings.sourcemap,
  sourcesContent: esbuildSettings.sourcesContent,
  mainFields: [...esbuildSettings.mainFields],
  banner: esbuildSettings.banner,
  externalModules: [...esbuildSettings.external],
});

/** The settings in esbuild's API terms. NodejsFunction names its output `index.mjs` for ESM; so do we. */
const esbuildOptions = (name: string, outdir: string): BuildOptions & { outfile: string } => ({
  entryPoints: [handlerEntry(name)],
  bundle: true,
  outfile: path.join(outdir, name, 'index.mjs'),
  target: esbuildSettings.target,
  platform: esbuildSettings.platform,
  format: esbuildSettings.format,
  minify: esbuildSettings.minify,
  sourcemap: esbuildSettings.sourcemap,
  sourcesContent: esbuildSettings.sourcesContent,
  mainFields: [...esbuildSettings.mainFields],
  banner: { js: esbuildSettings.banner },
  external: [...esbuildSettings.external],
  logLevel: 'warning',
});

/**
 * Bundles one function as Lambda would get it, into `<outdir>/<name>/index.mjs` (+ `.map`), and returns that path.
 *
 * @example
 * const file = await bundleFunction('login', '/tmp/bundles');
 * const { handler } = await import(pathToFileURL(file).href);
 */
const bundleFunction = async (name: string, outdir: string): Promise<string> => {
  const options = esbuildOptions(name, outdir);
  await mkdir(path.dirname(options.outfile), { recursive: true });
  await build(options);
  return options.outfile;
};

export {
  bundleFunction,
  esbuildOptions,
  handlerEntry,
  lambdaArchitecture,
  lambdaBundling,
  lambdaRuntime,
  repoRoot,
  runtimeEnvironment,
};
