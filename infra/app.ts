import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addLoginStacks } from './login-app.js';

/**
 * The CDK app (cdk.json runs it). The account and region come from `-c account=... -c region=...`, else from the
 * CLI's profile (CDK_DEFAULT_ACCOUNT/CDK_DEFAULT_REGION); with neither, the stack is environment-agnostic and
 * `cdk synth` needs no AWS account or credentials. `-c tags=Key=Value,...` become stack tags, which CloudFormation
 * puts on every resource. cdk-nag's AwsSolutions and Serverless packs validate every synth, so an unacknowledged
 * finding stops a deploy. With `-c frontDoor=true` the app also holds the front door's
 * WAF stack in us-east-1 (`cdk deploy --all` deploys both) and needs the region at synth.
 */
const app = new App();
addLoginStacks(app);
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { verbose: true }),
  new ServerlessChecks(app, { verbose: true })
);
app.synth();
