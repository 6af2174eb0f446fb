import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { settingsFromContext } from '../../../infra/context.js';
import { WeChatLoginStack } from '../../../infra/stack.js';
import { type Json, resourcesOf, synth } from '../../support/synth.js';

/** What `cdk synth -c key=value` does: context → props → the stack (no bundling). */
const synthFromContext = (context: Record<string, unknown>) => {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], wechatAppId: 'wx1234567890abcdef', ...context },
  });
  const { stackName, props } = settingsFromContext(app.node);
  return new WeChatLoginStack(app, stackName, props);
};

const hostsGivenTo = (template: ReturnType<typeof synth>['template']): Set<unknown> =>
  new Set(
    Object.values(resourcesOf(template))
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map(
        (resource) =>
          (resource.Properties?.Environment as { Variables: Json } | undefined)?.Variables.WECHAT_API_BASE_URLS
      )
      .filter((value) => value !== undefined)
  );

describe('WeChat hosts in the stack', () => {
  it('gives the WeChat functions the default host list: the general host, then api2', () => {
    expect(hostsGivenTo(synth().template)).toEqual(new Set(['https://api.weixin.qq.com,https://api2.weixin.qq.com']));
  });

  it('passes wechatApiBaseUrls in order, and wechatApiBaseUrl as a list of one', () => {
    const list = synth({ wechatApiBaseUrls: ['https://hk.api.weixin.qq.com', 'https://api2.weixin.qq.com/'] });
    expect(hostsGivenTo(list.template)).toEqual(new Set(['https://hk.api.weixin.qq.com,https://api2.weixin.qq.com']));
    expect(hostsGivenTo(synth({ wechatApiBaseUrl: 'https://sh.api.weixin.qq.com' }).template)).toEqual(
      new Set(['https://sh.api.weixin.qq.com'])
    );
  });

  it('reads -c wechatApiBaseUrls as a comma-separated list', () => {
    const { props } = settingsFromContext(
      new App({ context: { wechatApiBaseUrls: 'https://hk.api.weixin.qq.com, https://api2.weixin.qq.com' } }).node
    );
    expect(props.wechatApiBaseUrls).toEqual(['https://hk.api.weixin.qq.com', 'https://api2.weixin.qq.com']);
  });
});

describe('cdk synth refuses a WeChat host that is not https:', () => {
  it.each([
    ['wechatApiBaseUrl', 'http://api.weixin.qq.com'],
    ['wechatApiBaseUrls', 'https://api.weixin.qq.com,http://api2.weixin.qq.com'],
    ['wechatApiBaseUrls', 'https://api.weixin.qq.com,not a url'],
    ['wechatApiBaseUrl', 'ftp://api.weixin.qq.com'],
  ])('-c %s=%s fails with an error naming the key and the entry', (key, value) => {
    const attempt = () => synthFromContext({ [key]: value });
    expect(attempt).toThrow(new RegExp(`${key} must be https: URLs only`));
    const bad = value.split(',').find((entry) => !entry.startsWith('https://')) ?? value;
    expect(attempt).toThrow(bad);
  });

  it('refuses an http: host given as a prop too, naming the construct', () => {
    expect(() => synth({ wechatApiBaseUrls: ['http://127.0.0.1:8080'] })).toThrow(
      /\[TestStack[^\]]*\] wechatApiBaseUrls must be https: URLs only/
    );
  });

  it('refuses both keys at once rather than picking one', () => {
    expect(() =>
      synth({ wechatApiBaseUrl: 'https://api.weixin.qq.com', wechatApiBaseUrls: ['https://api2.weixin.qq.com'] })
    ).toThrow(/wechatApiBaseUrls or wechatApiBaseUrl, not both/);
  });
});
