import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApi } from '../../support/client/fake-api.js';
import { FakeWx } from '../../support/client/fake-wx.js';

/** The client as the mini program gets it: built by `npm run build:client`, loaded by a CommonJS require. */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const clientDir = join(repoRoot, 'client');
const manifest = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8'));
const tsconfig = ts.readConfigFile(join(clientDir, 'tsconfig.json'), ts.sys.readFile).config;

describe('the client package', () => {
  it('points main, miniprogram and types at the build output and has no runtime dependencies', () => {
    const outDir: string = tsconfig.compilerOptions.outDir;
    expect(manifest.miniprogram).toBe(outDir);
    expect(manifest.main).toBe(`${outDir}/index.js`);
    expect(manifest.types).toBe(`${outDir}/index.d.ts`);
    expect(manifest.files).toEqual([outDir]);
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.type ?? 'commonjs').toBe('commonjs');
    expect(readFileSync(join(repoRoot, '.gitignore'), 'utf8')).toContain(`client/${outDir}/`);
  });

  it('is built as CommonJS for ES2017 against the wx typings', () => {
    expect(tsconfig.compilerOptions).toMatchObject({
      module: 'CommonJS',
      target: 'ES2017',
      lib: ['ES2017'],
      types: ['miniprogram-api-typings'],
      strict: true,
    });
    const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(rootManifest.scripts['build:client']).toContain('client/tsconfig.json');
    expect(rootManifest.scripts.build).toContain('npm run build:client');
  });

  describe('built', () => {
    let outDir = '';
    let diagnostics: readonly ts.Diagnostic[] = [];
    beforeAll(() => {
      outDir = mkdtempSync(join(tmpdir(), 'miniprogram-sdk-'));
      const parsed = ts.parseJsonConfigFileContent(tsconfig, ts.sys, clientDir, { outDir });
      const program = ts.createProgram(parsed.fileNames, parsed.options);
      const emitted = program.emit();
      diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
    });
    afterAll(() => rmSync(outDir, { recursive: true, force: true }));

    it('compiles without errors, the real wx typings included', () => {
      expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
      expect(readFileSync(join(outDir, 'index.d.ts'), 'utf8')).toContain('createAuthClient');
    });

    it('loads with require and logs in through a wx', async () => {
      const sdk = createRequire(join(outDir, 'package.json'))('./index.js');
      const api = new FakeApi();
      const wx = new FakeWx({ transport: api.transport });

      const response = await sdk.createAuthClient({ baseUrl: 'https://api.example.com', wx }).request({ url: '/me' });

      expect(Object.keys(sdk).sort()).toEqual(['AuthError', 'LoginError', 'NetworkError', 'createAuthClient']);
      expect(response.statusCode).toBe(200);
      expect(wx.loginCalls).toBe(1);
    });
  });
});
