import path from 'node:path';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  handlerEntry,
  lambdaArchitecture,
  lambdaBundling,
  lambdaRuntime,
  repoRoot,
  runtimeEnvironment,
} from '../bundling.js';
import { type FunctionAccess, readsAppSecret, tableConditionsOf } from '../function-access.js';
import type { FunctionSizing } from '../function-sizing.js';
import type { AppSecret } from './app-secret.js';

interface BackendFunctionProps {
  /** The folder under functions/: the code is `functions/<name>/handler.ts`. */
  readonly name: string;
  readonly access: FunctionAccess;
  readonly sizing: FunctionSizing;
  /** Configuration: the variables of the config readers its access entry names, and no others. */
  readonly environment: Readonly<Record<string, string>>;
  readonly table: ITable;
  readonly appSecret: AppSecret;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Lambda active tracing (X-Ray): a trace per sampled invocation, with the init phase and the invocation's
   * duration. Only Lambda's own segments: the AWS SDK is not instrumented (README, Operations).
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Concurrency reserved for this function out of the account's regional quota; it also caps the function there.
   * @default - none: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One Lambda function with its own role and log group. The role starts empty (no AWS managed policy) and receives
 * exactly: writing to its own log group, the table actions its access entry names (each on the item kinds and
 * attributes it names, through `dynamodb:LeadingKeys` and `dynamodb:Attributes` conditions; reads must project and
 * writes return nothing), and reading the app secret if its handler reads the WeChat config.
 */
class BackendFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BackendFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function: only the access infra/function-access.ts declares for it`,
    });
    this.logGroup.grantWrite(this.role);
    this.grantTable(props);
    if (readsAppSecret(props.access)) this.grantAppSecret(props.appSecret);
    this.fn = this.createFunction(props);
    acknowledgeFindings(this.fn, this.role, props.tracing !== false);
  }

  private grantTable({ access, table }: BackendFunctionProps): void {
    for (const grant of access.table) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...grant.actions],
          resources: [table.tableArn],
          conditions: tableConditionsOf(grant),
        })
      );
    }
  }

  private grantAppSecret(appSecret: AppSecret): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [appSecret.arnForGrants] })
    );
    appSecret.secret.encryptionKey?.grantDecrypt(this.role);
  }

  private createFunction(props: BackendFunctionProps): NodejsFunction {
    const { name, sizing, environment } = props;
    return new NodejsFunction(this, 'Function', {
      description: `${name}: functions/${name}/handler.ts`,
      entry: handlerEntry(name),
      handler: 'handler',
      runtime: lambdaRuntime,
      architecture: lambdaArchitecture,
      memorySize: sizing.memorySizeMb,
      timeout: Duration.seconds(sizing.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...environment, ...runtimeEnvironment },
      tracing: props.tracing === false ? Tracing.DISABLED : Tracing.ACTIVE,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      bundling: lambdaBundling(),
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
    });
  }
}

/** cdk-nag findings that do not apply to a function API Gateway invokes synchronously, or that tracing implies. */
const acknowledgeFindings = (fn: NodejsFunction, role: Role, tracing: boolean): void => {
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'API Gateway invokes this function synchronously and returns its failure to the caller; a dead-letter queue ' +
      'only receives failed asynchronous invocations, so it would stay empty.',
  });
  if (tracing) {
    // Tracing.ACTIVE grants xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to the role.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level ' +
        'permissions (the X-Ray service authorization reference lists "*" as their only resource).',
    });
  } else {
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        'The deployer switched active tracing off with -c tracing=false (tracing is on by default); errors and ' +
        'latency stay visible through the alarms, the dashboard and the structured logs.',
    });
  }
};

export type { BackendFunctionProps };
export { BackendFunction };
