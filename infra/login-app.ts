import { Annotations, type App, type Environment } from 'aws-cdk-lib';
import { type AppSettings, settingsFromContext } from './context.js';
import { WeChatLoginFrontDoorWafStack } from './front-door-waf-stack.js';
import { WeChatLoginStack } from './stack.js';

/** Where the API goes when nothing names a region: synth still works offline; `cdk deploy` always knows the region. */
const FALLBACK_REGION = 'us-east-1';

/**
 * The account and region a front-door deployment targets: a web ACL in us-east-1 referenced from the API's region
 * needs both regions known at synth. The CDK CLI sets CDK_DEFAULT_REGION (and, with credentials, CDK_DEFAULT_ACCOUNT)
 * from the profile; without one (an offline synth with no AWS configuration) the template is built for us-east-1, with
 * a warning.
 */
const deployEnvironment = (env: NodeJS.ProcessEnv): Environment & { regionGuessed: boolean } => ({
  region: env.CDK_DEFAULT_REGION || FALLBACK_REGION,
  regionGuessed: !env.CDK_DEFAULT_REGION,
  ...(env.CDK_DEFAULT_ACCOUNT ? { account: env.CDK_DEFAULT_ACCOUNT } : {}),
});

/** The login stack and, with `-c frontDoor=true`, the front door's WAF stack in us-east-1 it refers to. */
const addLoginStacks = (app: App, env: NodeJS.ProcessEnv = process.env): AppSettings => {
  const settings = settingsFromContext(app.node);
  if (!settings.frontDoor) {
    new WeChatLoginStack(app, settings.stackName, settings.props);
    return settings;
  }
  // -c account/-c region (context.ts) win over the profile's defaults.
  const { regionGuessed, ...environment } = settings.props.env?.region
    ? { ...settings.props.env, regionGuessed: false }
    : deployEnvironment(env);
  const waf = new WeChatLoginFrontDoorWafStack(app, `${settings.stackName}FrontDoorWaf`, {
    env: { ...environment, region: 'us-east-1' },
    ...(settings.props.tags ? { tags: settings.props.tags } : {}),
  });
  const login = new WeChatLoginStack(app, settings.stackName, {
    ...settings.props,
    env: environment,
    crossRegionReferences: true,
    frontDoorWebAclArn: waf.webAcl.webAclArn,
  });
  if (regionGuessed) {
    Annotations.of(login).addWarningV2(
      '@wechat-login/front-door-region',
      `frontDoor=true: no region configured (AWS profile, AWS_REGION or CDK_DEFAULT_REGION), synthesized for ${FALLBACK_REGION}`
    );
  }
  return settings;
};

export { addLoginStacks };
