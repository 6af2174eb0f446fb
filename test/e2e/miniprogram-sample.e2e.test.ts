import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWx } from '../support/client/fake-wx.js';
import { nodeHttpTransport } from '../support/client/node-http-transport.js';
import { call } from '../support/http.js';
import { type RunningTwin, repoRoot, startTwin } from '../support/twin.js';

/**
 * The sample mini program (examples/miniprogram) rendered by Tencent's miniprogram-simulate, offline: its pages
 * compiled by the official wcc template compiler, run in jsdom, the SDK built as DevTools' "Build npm" would hand it
 * over, and a wx whose wx.request is real HTTP (node:http) to the local twin (`npm start`).
 */
const require = createRequire(import.meta.url);
const sampleRoot = join(repoRoot, 'examples/miniprogram');
const STORAGE_KEY = 'wechat-login:session';
let twin: RunningTwin;
let buildDir: string;
let root: string;
/** The DOM miniprogram-simulate renders into (jsdom's), typed only as far as used here. */
interface DomNode {
  textContent: string | null;
}
/** The part of miniprogram-simulate used here (its own typings would redeclare the global wx). */
interface RenderedComponent {
  dom?: DomNode;
  attach(parent: DomNode): void;
  querySelector(selector: string): (RenderedComponent & { dispatchEvent(name: string): void }) | undefined;
  querySelectorAll(selector: string): RenderedComponent[];
}
interface Simulate {
  load(path: string, options: { rootPath: string }): string;
  render(id: string): RenderedComponent;
  sleep(ms: number): Promise<void>;
}
let simulate: Simulate;
let createParent: () => DomNode;

/**
 * jsdom's window as the globals miniprogram-simulate (exparser) renders into, set on this Node realm rather than as
 * vitest's jsdom environment, so the twin helpers keep Node's own URL and fetch.
 */
const installDom = (): void => {
  // jsdom ships no types of its own (no @types/jsdom here): typed as far as used.
  const { JSDOM } = requireOrExplain('jsdom') as {
    JSDOM: new (html: string, options: object) => { window: { document: { createElement(tag: string): DomNode } } };
  };
  const { window } = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true });
  const names = ['window', 'document', 'Node', 'Element', 'HTMLElement', 'Event', 'CustomEvent', 'DocumentFragment'];
  for (const name of [...names, 'Text', 'Comment', 'MouseEvent', 'TouchEvent', 'getComputedStyle']) {
    const value = (window as unknown as Record<string, unknown>)[name];
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  createParent = () => window.document.createElement('parent-wrapper');
};
let wx: FakeWx;

/** TypeScript → CommonJS, as DevTools' TypeScript plugin does. */
const compile = (configPath: string, outDir: string, rootDir: string, overrides: ts.CompilerOptions = {}): void => {
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath), {
    noEmit: false,
    outDir,
    rootDir,
    ...overrides,
  });
  const emitted = ts.createProgram(parsed.fileNames, parsed.options).emit();
  expect(emitted.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
};

/** The SDK where "Build npm" would put it, found by Node's resolution from the compiled pages. */
const installSdk = (): void => {
  const sdkDir = join(buildDir, 'node_modules/@wechat-login/miniprogram-sdk');
  compile(join(repoRoot, 'client/tsconfig.json'), join(sdkDir, 'miniprogram_dist'), join(repoRoot, 'client/src'), {
    declaration: true,
  });
  cpSync(join(repoRoot, 'client/package.json'), join(sdkDir, 'package.json'));
};

/** The sample's pages: compiled .ts, and the .wxml/.wxss/.json files as they are. */
const buildSample = (): void => {
  // The SDK as installed above (its .d.ts), never the repository's client/src: that would be emitted too.
  const sdkTypes = join(buildDir, 'node_modules/@wechat-login/miniprogram-sdk/miniprogram_dist/index.d.ts');
  compile(join(sampleRoot, 'tsconfig.json'), root, join(sampleRoot, 'miniprogram'), {
    declaration: false,
    paths: { '@wechat-login/miniprogram-sdk': [sdkTypes] },
  });
  const copyAssets = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) copyAssets(path);
      else if (/\.(wxml|wxss|json)$/.test(entry.name)) {
        const target = join(root, relative(join(sampleRoot, 'miniprogram'), path));
        mkdirSync(dirname(target), { recursive: true });
        cpSync(path, target);
      }
    }
  };
  copyAssets(join(sampleRoot, 'miniprogram'));
  // The README's step: point config.ts at `npm start`'s twin.
  writeFileSync(join(root, 'config.js'), `"use strict";\nexports.BASE_URL = ${JSON.stringify(twin.baseUrl)};\n`);
};

/** A package this test needs, or a failure naming what to install. */
const requireOrExplain = (name: string): unknown => {
  try {
    return require(name);
  } catch (error) {
    throw new Error(`${name} (a devDependency) is not installed: run \`npm install\` (${(error as Error).message})`);
  }
};

/** Fails, saying why, when Tencent's wcc (an x86-64 binary in miniprogram-compiler) cannot run here. */
const assertCompilerRuns = (): void => {
  try {
    const compiled = require('miniprogram-compiler').wxmlToJs(root) as string;
    if (!compiled.includes('$gwx')) throw new Error('wcc produced no template functions');
  } catch (error) {
    throw new Error(
      `miniprogram-simulate's template compiler (wcc from miniprogram-compiler, an x86-64 Linux/macOS/Windows ` +
        `binary) cannot run on this machine (${platform()} ${arch()}): ${(error as Error).message}. ` +
        'Run this test on x86-64 Linux.'
    );
  }
};

beforeAll(async () => {
  twin = await startTwin();
  buildDir = mkdtempSync(join(tmpdir(), 'miniprogram-sample-'));
  root = join(buildDir, 'miniprogram');
  installSdk();
  buildSample();
  assertCompilerRuns();
  installDom();
  simulate = require('miniprogram-simulate');
  // miniprogram-simulate installs its own mock wx; the pages get ours, the SDK reads the global at call time.
  wx = new FakeWx({ transport: nodeHttpTransport(), user: 'sample' });
  wx.appId = 'wx00000000local000';
  globalThis.wx = wx;
}, 120_000);

afterAll(async () => {
  globalThis.wx = undefined;
  await twin?.stop();
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

/** Loads, renders and attaches a page (a Component), as the page stack would on navigation. */
const openPage = (page: string) => {
  const id = simulate.load(join(root, page), { rootPath: root });
  const comp = simulate.render(id);
  comp.attach(createParent());
  return comp;
};

const text = (comp: { dom?: DomNode }): string => comp.dom?.textContent ?? '';

/** Waits until `ready` holds for the page's text, or fails showing what the page says. */
const waitForText = async (comp: { dom?: DomNode }, ready: (shown: string) => boolean): Promise<string> => {
  const deadline = Date.now() + 15_000;
  while (!ready(text(comp))) {
    if (Date.now() > deadline) throw new Error(`the page never got there; it shows: ${text(comp)}`);
    await simulate.sleep(50);
  }
  return text(comp);
};

const storedSessionId = (): string | undefined =>
  (wx.getStorageSync(STORAGE_KEY) as { sessionId?: string } | '')
    ? (wx.getStorageSync(STORAGE_KEY) as { sessionId?: string }).sessionId
    : undefined;

describe('the sample mini program in miniprogram-simulate against the twin', () => {
  it('home logs in by itself and renders the openid the server knows', async () => {
    const home = openPage('pages/index/index');

    const shown = await waitForText(home, (page) => page.includes('openid:') && !page.includes('Logging in'));

    const sessionId = storedSessionId();
    expect(sessionId).toMatch(/^[\w-]{43}$/);
    const me = await call(twin.baseUrl, 'GET', '/me', { sessionId });
    expect(String(me.body.openid)).toMatch(/^o[\w-]{27}$/);
    expect(home.querySelector('#openid')?.dom?.textContent).toBe(me.body.openid);
    expect(shown).toContain('已登录 Logged in');
    expect(wx.loginCalls).toBe(1);
  });

  it('shop renders the products of GET /products', async () => {
    const answer = await call(twin.baseUrl, 'GET', '/products', { sessionId: storedSessionId() });
    const products = answer.body as unknown as { name: string; priceFen: number }[];
    expect(products.length).toBeGreaterThan(0);

    const shop = openPage('pages/shop/shop');
    const shown = await waitForText(shop, (page) => !page.includes('Loading'));

    for (const product of products) {
      expect(shown).toContain(product.name);
      expect(shown).toContain(`¥${(product.priceFen / 100).toFixed(2)}`);
    }
    expect(shop.querySelectorAll('.product')).toHaveLength(products.length);
    expect(wx.loginCalls).toBe(1);
  });

  it('logout returns home to the logged-out state, and the server refuses the old session', async () => {
    const home = openPage('pages/index/index');
    await waitForText(home, (page) => page.includes('openid:'));
    const sessionId = storedSessionId();

    home.querySelector('#logout')?.dispatchEvent('tap');
    const shown = await waitForText(home, (page) => page.includes('未登录 Not logged in'));

    expect(shown).not.toContain('openid:');
    expect(home.querySelector('#login')).toBeDefined();
    expect(wx.storage.has(STORAGE_KEY)).toBe(false);
    expect((await call(twin.baseUrl, 'GET', '/me', { sessionId })).status).toBe(403);
  });
});
