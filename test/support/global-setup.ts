import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';

/** Starts one DynamoDB Local for the run. Without Java this fails the run with a message saying so: never a skip. */
export default async function setup(project: TestProject) {
  console.log(`tests running on Node ${process.version}`);
  const dynamodb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  return async () => {
    await dynamodb.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
