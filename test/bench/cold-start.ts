import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleFunction, esbuildOptions, runtimeEnvironment } from '../../infra/bundling.js';
import { median } from './stats.js';

/**
 * Cold start: every Lambda bundled with the stack's own esbuild settings (infra/bundling.ts), then imported in a
 * fresh Node process, interleaved round by round with the floor, a bundle that only creates the DynamoDB document
 * client. Importing runs the module's top level, which is exactly a Lambda's init phase before the first event.
 */
const FLOOR = 'floor';
const floorEntry = fileURLToPath(new URL('./floor-handler.ts', import.meta.url));

/** Bundles that are not deployed but measured beside the functions, to show what a choice would cost. */
const VARIANTS: Readonly<Record<string, string>> = {
  'authorizer + Powertools Metrics (not deployed)': fileURLToPath(
    new URL('./authorizer-powertools-metrics.ts', import.meta.url)
  ),
};

interface ColdStartRow {
  name: string;
  sizeKiB: number;
  /** Median time from `import()` to its promise settling, in a fresh process. */
  importMs: number;
  /** Median time from process start to the module imported: Node's own boot included. */
  processMs: number;
  /**
   * Median CPU time (user + system) the import took. Unlike the wall-clock figures it barely moves when other
   * processes compete for the cores, so it is the fairer comparison on a busy machine.
   */
  importCpuMs: number;
  importRatio: number;
  importCpuRatio: number;
  sizeRatio: number;
  runs: number;
}

/** Builds the floor (or a variant) with the very settings of the functions; only the entry point differs. */
const bundleEntry = async (name: string, entry: string, outdir: string): Promise<string> => {
  const options = esbuildOptions(name.replace(/[^A-Za-z0-9-]+/g, '-'), outdir);
  await mkdir(path.dirname(options.outfile), { recursive: true });
  await build({ ...options, entryPoints: [entry] });
  return options.outfile;
};

/** What a deployed function finds in its environment at init (values are placeholders; nothing is called). */
const lambdaLikeEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  ...runtimeEnvironment,
  AWS_REGION: 'ap-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  TABLE_NAME: 'bench-sessions',
  WECHAT_APP_ID: 'wx0000000000bench0',
  WECHAT_APP_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:bench-AbCdEf',
  POWERTOOLS_SERVICE_NAME: 'bench',
});

/** Runs in the child: time the import, print both figures as JSON. */
const probe = [
  'const cpu = process.cpuUsage();',
  'const started = performance.now();',
  'await import(process.argv[1]);',
  'const imported = performance.now();',
  'const used = process.cpuUsage(cpu);',
  'const importCpuMs = (used.user + used.system) / 1000;',
  'process.stdout.write(JSON.stringify({ importMs: imported - started, processMs: imported, importCpuMs }));',
].join('\n');

type ImportSample = { importMs: number; processMs: number; importCpuMs: number };

const importOnce = (file: string): Promise<ImportSample> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', probe, pathToFileURL(file).href], {
      env: lambdaLikeEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`importing ${file} failed (exit ${code}):\n${stderr}`));
      resolve(JSON.parse(stdout) as ImportSample);
    });
  });

const measureColdStarts = async (
  functionNames: readonly string[],
  outdir: string,
  runs: number
): Promise<ColdStartRow[]> => {
  const files = new Map<string, string>([[FLOOR, await bundleEntry(FLOOR, floorEntry, outdir)]]);
  for (const name of functionNames) files.set(name, await bundleFunction(name, outdir));
  for (const [name, entry] of Object.entries(VARIANTS)) files.set(name, await bundleEntry(name, entry, outdir));

  const samples = new Map<string, { importMs: number[]; processMs: number[]; importCpuMs: number[] }>(
    [...files.keys()].map((name) => [name, { importMs: [], processMs: [], importCpuMs: [] }])
  );
  const names = [...files.keys()];
  // One warm-up round fills the OS file cache for every bundle, so no bundle pays for being read first.
  for (const name of names) await importOnce(files.get(name)!);
  for (let round = 0; round < runs; round += 1) {
    // Rotate the order each round so no bundle always runs right after the same neighbour.
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const sample = await importOnce(files.get(name)!);
      samples.get(name)!.importMs.push(sample.importMs);
      samples.get(name)!.processMs.push(sample.processMs);
      samples.get(name)!.importCpuMs.push(sample.importCpuMs);
    }
  }

  const sizeOf = async (name: string) => (await stat(files.get(name)!)).size / 1024;
  const floorImport = median(samples.get(FLOOR)!.importMs);
  const floorCpu = median(samples.get(FLOOR)!.importCpuMs);
  const floorSize = await sizeOf(FLOOR);
  const rows: ColdStartRow[] = [];
  for (const name of names) {
    const { importMs, processMs, importCpuMs } = samples.get(name)!;
    const size = await sizeOf(name);
    rows.push({
      name,
      sizeKiB: size,
      importMs: median(importMs),
      processMs: median(processMs),
      importCpuMs: median(importCpuMs),
      importRatio: median(importMs) / floorImport,
      importCpuRatio: median(importCpuMs) / floorCpu,
      sizeRatio: size / floorSize,
      runs: importMs.length,
    });
  }
  return rows;
};

export type { ColdStartRow };
export { FLOOR, measureColdStarts };
