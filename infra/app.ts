import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settingsFromContext } from './context.js';
import { WeChatLoginStack } from './stack.js';

/**
 * The CDK app (cdk.json runs it). Environment-agnostic: `cdk synth` needs no AWS account or credentials, and
 * `cdk deploy` takes the account and region from the CLI's profile. cdk-nag's AwsSolutions pack validates every
 * synth, so an unacknowledged finding stops a deploy.
 */
const app = new App();
const { stackName, props } = settingsFromContext(app.node);
new WeChatLoginStack(app, stackName, props);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
