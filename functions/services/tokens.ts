/**
 * Token secrets: their form, how they are read from a request, and how they are keyed. The table
 * never holds a secret nor its bare hash: a token's key is HMAC-SHA-256 under the token pepper of
 * SHA-256(secret), so whoever reads the table cannot confirm a guessed token without the pepper,
 * and a record stored before the pepper (keyed by the bare SHA-256) can be re-keyed without its
 * secret.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { TokenKind } from '../../shared/model/token';
import { awsRequest, type CredentialSource, credentialsFromEnv } from '../aws/aws-request';
import type { OmnilabConfig } from '../runtime/config';

/** SHA-256 of the secret: what stores are asked by, and the key of legacy records. Never stored. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The stored key of a token whose secret has the SHA-256 `digest`. */
export function pepperedKey(digest: string, pepper: string): string {
  return createHmac('sha256', pepper).update(`omnilab-token-key:${digest}`, 'utf8').digest('hex');
}

/** `<kind>:<environment or squad>.<64 hex>`: the prefix tells a reader what it is, never what it may do. */
export function generateToken(kind: TokenKind, scope: string): string {
  return `${kind}:${scope}.${randomBytes(32).toString('hex')}`;
}

/** A token's public id: random, so it says nothing about the secret. */
export function generateTokenId(): string {
  return `tok_${randomBytes(12).toString('hex')}`;
}

/** Accepts `Authorization: <token>` (as Unleash SDKs send it) and `Authorization: Bearer <token>`. */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim();
  const bearer = /^bearer\s+(.+)$/i.exec(value);
  const token = bearer ? bearer[1].trim() : value;
  return token === '' ? undefined : token;
}

export type PepperSource = () => Promise<string>;

/** Secrets Manager's GetSecretValue, signed with the function role's credentials. */
export async function readSecret(
  secretId: string,
  region: string,
  credentials: CredentialSource = credentialsFromEnv(),
  host = `secretsmanager.${region}.amazonaws.com`,
  protocol: 'https:' | 'http:' = 'https:',
): Promise<string> {
  const res = await awsRequest(
    {
      service: 'secretsmanager',
      region,
      method: 'POST',
      host,
      protocol,
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body: JSON.stringify({ SecretId: secretId }),
    },
    credentials,
  );
  if (!res.ok) throw new Error(`reading the token pepper secret answered ${res.status}`);
  const out = (await res.json()) as { SecretString?: string };
  if (!out.SecretString) throw new Error('the token pepper secret holds no string');
  return out.SecretString;
}

/**
 * Where the pepper comes from: OMNILAB_TOKEN_PEPPER when set (`npm start` generates one into
 * .omnilab/token-pepper); on AWS the Secrets Manager secret OMNILAB_TOKEN_PEPPER_SECRET_ARN, read
 * once per instance. Against DynamoDB Local with neither (tests, benchmarks), one derived from the
 * table prefix, so every process on the same tables agrees. On AWS with neither, nothing
 * authenticates: a missing secret fails closed.
 */
export function createPepperSource(
  config: Pick<
    OmnilabConfig,
    'tokenPepper' | 'tokenPepperSecretArn' | 'dynamodbEndpoint' | 'tablePrefix' | 'region'
  >,
  credentials: CredentialSource = credentialsFromEnv(),
): PepperSource {
  let pending: Promise<string> | undefined;
  const load = async (): Promise<string> => {
    if (config.tokenPepper) return config.tokenPepper;
    if (config.tokenPepperSecretArn)
      return readSecret(config.tokenPepperSecretArn, config.region, credentials);
    if (config.dynamodbEndpoint) return `local:${hashToken(`omnilab-local-pepper:${config.tablePrefix}`)}`;
    throw new Error('set OMNILAB_TOKEN_PEPPER or OMNILAB_TOKEN_PEPPER_SECRET_ARN: no token can be checked');
  };
  return () => {
    pending ??= load().catch((e) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}
