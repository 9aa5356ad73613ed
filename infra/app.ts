/** Entry point of the cdk CLI (cdk.json): synthesizes every stage for the account and region of the caller. */
import { createOmnilabApp } from './create-omnilab-app';

createOmnilabApp({
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
