import path from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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
import { type FunctionAccess, leadingKeysOf, readsAppSecret } from '../function-access.js';
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
}

/**
 * One Lambda function with its own role and log group. The role starts empty (no AWS managed policy) and receives
 * exactly: writing to its own log group, the table actions its access entry names (each on the item kinds it names,
 * through a `dynamodb:LeadingKeys` condition), and reading the app secret if its handler reads the WeChat config.
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
  }

  private grantTable({ access, table }: BackendFunctionProps): void {
    for (const grant of access.table) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...grant.actions],
          resources: [table.tableArn],
          // ForAllValues: every key the request touches must match (TransactWriteItems is checked item by item).
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeysOf(grant) } },
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

  private createFunction({ name, sizing, environment }: BackendFunctionProps): NodejsFunction {
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
      bundling: lambdaBundling(),
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
    });
  }
}

export type { BackendFunctionProps };
export { BackendFunction };
