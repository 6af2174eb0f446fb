import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ValidationError } from '../validation-error.js';

interface AppSecretProps {
  /**
   * Use an existing secret by its complete ARN (with the 6-character suffix Secrets Manager appends).
   *
   * @default - no existing secret by ARN
   */
  readonly existingSecretArn?: string;
  /**
   * Use an existing secret by name.
   *
   * @default - no existing secret by name; with neither, an empty secret is created
   */
  readonly existingSecretName?: string;
  /** Only for a secret this stack creates. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The WeChat app secret. Either an existing secret the deployer names, or one this stack creates EMPTY: the value
 * never passes through CloudFormation, so it cannot appear in the template, the stack's events or its outputs.
 * Ops put the value once with `aws secretsmanager put-secret-value` (README, Deploy).
 */
class AppSecret extends Construct {
  readonly secret: ISecret;
  /** The ARN to grant on: for a secret imported by name, the name plus Secrets Manager's random suffix. */
  readonly arnForGrants: string;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    if (props.existingSecretArn && props.existingSecretName) {
      throw new ValidationError('Name the existing app secret by ARN or by name, not both', this);
    }
    if (props.existingSecretArn) {
      this.secret = Secret.fromSecretCompleteArn(this, 'Existing', props.existingSecretArn);
    } else if (props.existingSecretName) {
      this.secret = Secret.fromSecretNameV2(this, 'Existing', props.existingSecretName);
    } else {
      this.secret = this.createEmpty(props.removalPolicy);
    }
    this.arnForGrants = this.secret.secretFullArn ?? `${this.secret.secretArn}-??????`;
  }

  private createEmpty(removalPolicy: RemovalPolicy): Secret {
    const secret = new Secret(this, 'Secret', {
      description: 'WeChat mini program AppSecret (put the value with aws secretsmanager put-secret-value)',
      removalPolicy,
    });
    // The L2 construct fills in GenerateSecretString when given no value; a random string would look like a secret
    // and fail at WeChat with 40125. Without either property CloudFormation creates the secret with no value.
    (secret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The AppSecret is issued by the WeChat platform (mp.weixin.qq.com) and can only be reset there by a person; ' +
        'a rotation Lambda cannot mint a new one. Ops rotate it by resetting it in WeChat and putting the new value.',
    });
    return secret;
  }
}

export type { AppSecretProps };
export { AppSecret };
