import type { App, Environment } from 'aws-cdk-lib';
import { type AppSettings, settingsFromContext } from './context.js';
import { WeChatLoginFrontDoorWafStack } from './front-door-waf-stack.js';
import { WeChatLoginStack } from './stack.js';
import { ValidationError } from './validation-error.js';

/**
 * The account and region a front-door deployment targets: a web ACL in us-east-1 referenced from another region
 * needs both regions known at synth. The CDK CLI sets CDK_DEFAULT_REGION (and, with credentials, CDK_DEFAULT_ACCOUNT)
 * from the profile.
 */
const deployEnvironment = (app: App, env: NodeJS.ProcessEnv): Environment => {
  const region = env.CDK_DEFAULT_REGION;
  if (!region) {
    throw new ValidationError(
      'frontDoor=true needs the region of the API at synth: configure a default region for the AWS profile ' +
        '(or set AWS_REGION / CDK_DEFAULT_REGION)',
      app
    );
  }
  return { region, ...(env.CDK_DEFAULT_ACCOUNT ? { account: env.CDK_DEFAULT_ACCOUNT } : {}) };
};

/** The login stack and, with `-c frontDoor=true`, the front door's WAF stack in us-east-1 it refers to. */
const addLoginStacks = (app: App, env: NodeJS.ProcessEnv = process.env): AppSettings => {
  const settings = settingsFromContext(app.node);
  if (!settings.frontDoor) {
    new WeChatLoginStack(app, settings.stackName, settings.props);
    return settings;
  }
  // -c account/-c region (context.ts) win over the profile's defaults.
  const environment = settings.props.env?.region ? settings.props.env : deployEnvironment(app, env);
  const waf = new WeChatLoginFrontDoorWafStack(app, `${settings.stackName}FrontDoorWaf`, {
    env: { ...environment, region: 'us-east-1' },
  });
  new WeChatLoginStack(app, settings.stackName, {
    ...settings.props,
    env: environment,
    crossRegionReferences: true,
    frontDoorWebAclArn: waf.webAcl.webAclArn,
  });
  return settings;
};

export { addLoginStacks };
