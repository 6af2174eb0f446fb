import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { sessionTable } from '../../functions/shared/contract/table.js';

interface SessionTableProps {
  /** RETAIN in production (sessions survive a stack deletion); DESTROY for throwaway dev stacks. */
  readonly removalPolicy: RemovalPolicy;
}

const attributeTypes = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;

/**
 * The session table, built from the one shared definition the functions, the local twin and the tests use.
 * On-demand, because login traffic is spiky and small; PITR, because a bad deploy that deletes sessions would log
 * every user out; AWS-managed KMS encryption, because items hold WeChat session_keys.
 */
class SessionTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: SessionTableProps) {
    super(scope, id);
    const retained = props.removalPolicy === RemovalPolicy.RETAIN;
    this.table = new Table(this, 'Table', {
      partitionKey: {
        name: sessionTable.partitionKey.name,
        type: attributeTypes[sessionTable.partitionKey.type],
      },
      timeToLiveAttribute: sessionTable.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy,
      // A retained table should not be deletable by a stray console click either; dev stacks stay disposable.
      deletionProtection: retained,
    });
  }
}

export type { SessionTableProps };
export { SessionTable };
