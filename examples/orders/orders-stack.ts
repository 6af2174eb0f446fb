import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
// Another team would import this from the login project's package; here it is the same repository.
import { WeChatLoginApi } from '../../infra/index.js';

const functionsDir = fileURLToPath(new URL('./functions', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface OrdersStackProps extends StackProps {
  /**
   * The name of the deployed login stack whose authorizer guards these routes.
   *
   * @default 'WeChatMiniProgramLogin'
   */
  readonly loginStackName?: string;
}

/**
 * The "orders" team's stack: two Lambdas of its own, one TypeScript and one Python, each on a route of the login
 * project's HTTP API behind its session authorizer. Nothing here knows about sessions: the authorizer checks
 * X-Session-Id and hands the caller to the functions in `requestContext.authorizer.lambda`.
 */
class OrdersStack extends Stack {
  readonly listOrders: NodejsFunction;
  readonly getOrder: LambdaFunction;

  constructor(scope: Construct, id: string, props: OrdersStackProps = {}) {
    super(scope, id, { description: 'Orders: business routes behind the WeChat login authorizer', ...props });
    const login = WeChatLoginApi.fromStackName(this, 'Login', {
      stackName: props.loginStackName ?? 'WeChatMiniProgramLogin',
    });
    this.listOrders = this.typeScriptFunction();
    this.getOrder = this.pythonFunction();
    login.addProtectedRoute({ method: 'GET', path: '/orders', handler: this.listOrders });
    login.addProtectedRoute({ method: 'GET', path: '/orders/{id}', handler: this.getOrder });
  }

  private logGroup(id: string): LogGroup {
    return new LogGroup(this, id, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  }

  /** GET /orders: TypeScript, bundled by esbuild at synth (no Docker). */
  private typeScriptFunction(): NodejsFunction {
    return new NodejsFunction(this, 'ListOrders', {
      entry: path.join(functionsDir, 'list-orders.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      logGroup: this.logGroup('ListOrdersLogs'),
      bundling: { format: OutputFormat.ESM, minify: true },
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
    });
  }

  /** GET /orders/{id}: Python, standard library only, so the folder is the package (Code.fromAsset, no Docker). */
  private pythonFunction(): LambdaFunction {
    return new LambdaFunction(this, 'GetOrder', {
      code: Code.fromAsset(functionsDir, { exclude: ['*', '!get_order.py'] }),
      handler: 'get_order.handler',
      runtime: Runtime.PYTHON_3_13,
      architecture: Architecture.ARM_64,
      logGroup: this.logGroup('GetOrderLogs'),
    });
  }
}

export type { OrdersStackProps };
export { OrdersStack };
