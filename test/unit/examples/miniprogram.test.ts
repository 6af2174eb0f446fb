import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/twin.js';

/** The sample mini program (examples/miniprogram) as WeChat DevTools opens it, type-checked like the SDK. */
const sampleRoot = join(repoRoot, 'examples/miniprogram');
const readJson = (path: string) => JSON.parse(readFileSync(join(sampleRoot, path), 'utf8'));

describe('the sample mini program', () => {
  it('type-checks against miniprogram-api-typings with its own tsconfig (the official template settings)', () => {
    const configPath = join(sampleRoot, 'tsconfig.json');
    const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, sampleRoot);
    expect(parsed.options.types).toEqual(['miniprogram-api-typings']);
    expect(parsed.options.strict).toBe(true);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));

    expect(diagnostics).toEqual([]);
    const checked = program.getSourceFiles().map((file) => file.fileName);
    expect(checked.some((file) => file.includes('miniprogram-api-typings'))).toBe(true);
    expect(checked.filter((file) => file.startsWith(join(sampleRoot, 'miniprogram')))).toHaveLength(
      parsed.fileNames.length - 1
    );
  });

  it('is a DevTools project in the TypeScript template shape, every page complete', () => {
    const project = readJson('project.config.json');
    expect(project).toMatchObject({
      miniprogramRoot: 'miniprogram/',
      compileType: 'miniprogram',
      setting: { useCompilerPlugins: ['typescript'], urlCheck: false, packNpmManually: true },
    });
    expect(project.setting.packNpmRelationList).toEqual([
      { packageJsonPath: './package.json', miniprogramNpmDistDir: './miniprogram/' },
    ]);
    const app = readJson('miniprogram/app.json');
    expect(app.pages).toEqual(['pages/index/index', 'pages/shop/shop', 'pages/phone/phone', 'pages/devices/devices']);
    for (const page of app.pages as string[]) {
      for (const ext of ['ts', 'wxml', 'wxss', 'json'])
        expect(existsSync(join(sampleRoot, 'miniprogram', `${page}.${ext}`)), `${page}.${ext}`).toBe(true);
    }
    expect(readFileSync(join(sampleRoot, 'miniprogram/pages/phone/phone.wxml'), 'utf8')).toContain(
      'open-type="getPhoneNumber"'
    );
  });

  it('depends on the SDK the way the README tells a developer to, and the README walks through these files', () => {
    expect(readJson('package.json').dependencies).toEqual({ '@wechat-login/miniprogram-sdk': 'file:../../client' });
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const walkthrough = readme.slice(readme.indexOf('### Open the sample in WeChat DevTools'));
    expect(walkthrough.length).toBeGreaterThan(200);
    for (const mentioned of [
      'examples/miniprogram',
      'npm run build:client',
      'Build npm',
      'miniprogram/config.ts',
      'npm start',
      'pages/index',
      'pages/shop',
      'pages/phone',
      'pages/devices',
    ]) {
      expect(walkthrough, mentioned).toContain(mentioned);
    }
    expect(readFileSync(join(sampleRoot, 'miniprogram/config.ts'), 'utf8')).toContain("'http://127.0.0.1:3000'");
  });
});
