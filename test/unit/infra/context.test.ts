import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { settingsFromContext } from '../../../infra/context.js';

const APP_ID = 'wx1234567890abcdef';
const settings = (context: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  settingsFromContext(new App({ context: { wechatAppId: APP_ID, ...context } }).node, env);

describe('operations settings from CDK context', () => {
  it('leave everything to the stack’s defaults when unset: tracing on, no reserved concurrency, no domain', () => {
    const { props } = settings({});
    for (const key of [
      'tracing',
      'authorizerReservedConcurrency',
      'alarmEmail',
      'alarmTopicArn',
      'domainName',
      'certificateArn',
      'disableExecuteApiEndpoint',
      'serviceName',
      'env',
      'tags',
    ]) {
      expect(props, key).not.toHaveProperty(key);
    }
  });

  it('read every operations key from -c strings', () => {
    const { props } = settings({
      tracing: 'false',
      authorizerReservedConcurrency: '50',
      alarmEmail: 'ops@example.com',
      domainName: 'API.example.com',
      certificateArn: 'arn:aws:acm:ap-east-1:123456789012:certificate/abc',
      disableExecuteApiEndpoint: 'true',
      serviceName: 'wechat-login-dev',
    });
    expect(props).toMatchObject({
      tracing: false,
      authorizerReservedConcurrency: 50,
      alarmEmail: 'ops@example.com',
      domainName: 'api.example.com',
      certificateArn: 'arn:aws:acm:ap-east-1:123456789012:certificate/abc',
      disableExecuteApiEndpoint: true,
      serviceName: 'wechat-login-dev',
    });
    expect(settings({ alarmTopicArn: 'arn:aws:sns:ap-east-1:123456789012:ops' }).props.alarmTopicArn).toBe(
      'arn:aws:sns:ap-east-1:123456789012:ops'
    );
  });

  it('turn tags=Key=Value,... into stack tags (a value may hold "=")', () => {
    expect(settings({ tags: 'Team=Login, CostCenter=42,Expr=a=b,Empty=' }).props.tags).toEqual({
      Team: 'Login',
      CostCenter: '42',
      Expr: 'a=b',
      Empty: '',
    });
  });

  it('pin the account and region from context, else from the CLI’s CDK_DEFAULT_ACCOUNT/REGION', () => {
    const cli = { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'ap-east-1' };
    expect(settings({}, cli).props.env).toEqual({ account: '111111111111', region: 'ap-east-1' });
    expect(settings({ account: '222222222222', region: 'cn-north-1' }, cli).props.env).toEqual({
      account: '222222222222',
      region: 'cn-north-1',
    });
    expect(settings({ region: 'ap-southeast-1' }).props.env).toEqual({ region: 'ap-southeast-1' });
  });

  it.each([
    ['tracing', 'off'],
    ['authorizerReservedConcurrency', '0'],
    ['authorizerReservedConcurrency', 'many'],
    ['disableExecuteApiEndpoint', 'yes'],
    ['tags', 'Team'],
    ['tags', '=Login'],
    ['tags', 'aws:owner=me'],
    ['tags', 'Team=a,Team=b'],
    ['account', '12345'],
    ['region', 'Hong Kong'],
  ])('refuse %s=%s, naming the key', (key, value) => {
    expect(() => settings({ [key]: value })).toThrow(new RegExp(`Context ${key} must be`));
  });
});
