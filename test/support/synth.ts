import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { repoRoot } from '../../infra/bundling.js';
import { WeChatLoginStack, type WeChatLoginStackProps } from '../../infra/stack.js';

/**
 * Builds the stack for assertions without bundling any code: the bundling-stacks context lists no stack, so
 * NodejsFunction skips esbuild and the synth takes seconds. test/integration/infra/bundle.test.ts proves the real bundling.
 * CDK's built-in CloudFormation schema validation (a WebAssembly engine, seconds per synth) is left to the one
 * full-app synth in test/unit/infra/app.test.ts. The feature flags are cdk.json's, as in a deploy.
 */
const APP_ID = 'wx1234567890abcdef';

/** cdk.json's context: the feature flags `cdk deploy` synthesizes with, so the tests see the same template. */
const cdkJsonContext = (
  JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

const buildStack = (props: Partial<WeChatLoginStackProps> = {}): WeChatLoginStack => {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] },
  });
  const apps = props.wechatAppIds === undefined ? { wechatAppId: APP_ID } : {};
  return new WeChatLoginStack(app, 'TestStack', { ...apps, ...props });
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

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const byJson = (a: unknown, b: unknown): number => JSON.stringify(a).localeCompare(JSON.stringify(b));

/** Every statement granted to a role, from the policies attached to it and its inline ones. */
const statementsOf = (resources: Record<string, Resource>, roleId: string): Statement[] => {
  const attached = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap(
      (policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []
    );
  const inline = asArray(
    resources[roleId]?.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);
  return [...attached, ...inline];
};

const refersTo = (value: unknown, logicalId: string): boolean => JSON.stringify(value).includes(`"${logicalId}"`);

/** The actions of the statements on one resource, sorted (a repeated action stays repeated). */
const actionsOn = (statements: Statement[], logicalId: string): string[] =>
  statements
    .filter((statement) => refersTo(statement.Resource, logicalId))
    .flatMap((statement) => asArray(statement.Action))
    .sort();

/** Each statement on the table as its actions and its LeadingKeys patterns, in a stable order. */
const tableGrantsIn = (statements: Statement[], tableId: string) =>
  statements
    .filter((statement) => refersTo(statement.Resource, tableId))
    .map((statement) => ({
      actions: asArray(statement.Action).sort(),
      leadingKeys: asArray(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).sort(),
    }))
    .sort(byJson);

export type { Json, Resource, Statement };
export {
  APP_ID,
  actionsOn,
  asArray,
  buildStack,
  byJson,
  cdkJsonContext,
  refersTo,
  resourcesOf,
  statementsOf,
  synth,
  tableGrantsIn,
};
