import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { WeChatLoginStack, type WeChatLoginStackProps } from '../../infra/stack.js';

/**
 * Builds the stack for assertions without bundling any code: the bundling-stacks context lists no stack, so
 * NodejsFunction skips esbuild and the synth takes seconds. test/infra/bundle.test.ts proves the real bundling.
 * CDK's built-in CloudFormation schema validation (a WebAssembly engine, seconds per synth) is left to the one
 * full-app synth in test/infra/app.test.ts.
 */
const APP_ID = 'wx1234567890abcdef';

const buildStack = (props: Partial<WeChatLoginStackProps> = {}): WeChatLoginStack => {
  const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  return new WeChatLoginStack(app, 'TestStack', { wechatAppId: APP_ID, ...props });
};

const synth = (props: Partial<WeChatLoginStackProps> = {}): { stack: WeChatLoginStack; template: Template } => {
  const stack = buildStack(props);
  return { stack, template: Template.fromStack(stack) };
};

type Json = Record<string, unknown>;

interface Resource {
  Type: string;
  Properties?: Json;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

const resourcesOf = (template: Template): Record<string, Resource> =>
  (template.toJSON() as { Resources: Record<string, Resource> }).Resources;

export { APP_ID, buildStack, resourcesOf, synth };
export type { Json, Resource };
