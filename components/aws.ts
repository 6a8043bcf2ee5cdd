// The parts of @pulumi/aws this program uses, each from its own module, under the names the
// package's index gives them (`aws.ec2.Vpc`). `import * as aws from "@pulumi/aws"` would load the
// index of all of the package's ~260 namespaces: 0.2 s of the start-up that Pulumi's language host
// pays on every stack (bench/README.md); these are the 24 in use. A namespace not listed yet is one
// more line here. Left out with the index: its registration of the `aws` provider package, which
// only rebuilds provider references that the engine returns from remote components, and this
// program has none.

export * as acm from "@pulumi/aws/acm";
export * as backup from "@pulumi/aws/backup";
export * as cloudtrail from "@pulumi/aws/cloudtrail";
export * as cfg from "@pulumi/aws/cfg";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as directoryservice from "@pulumi/aws/directoryservice";
export * as ebs from "@pulumi/aws/ebs";
export * as ec2 from "@pulumi/aws/ec2";
export * as ec2clientvpn from "@pulumi/aws/ec2clientvpn";
export * as ec2transitgateway from "@pulumi/aws/ec2transitgateway";
export * as guardduty from "@pulumi/aws/guardduty";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lambda from "@pulumi/aws/lambda";
export * as lb from "@pulumi/aws/lb";
export * as rds from "@pulumi/aws/rds";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sns from "@pulumi/aws/sns";
export * as ssm from "@pulumi/aws/ssm";
export * as synthetics from "@pulumi/aws/synthetics";
export * as vpc from "@pulumi/aws/vpc";
export * as wafv2 from "@pulumi/aws/wafv2";

export { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getRegionOutput } from "@pulumi/aws/getRegion";
export { Provider } from "@pulumi/aws/provider";
export type { Region } from "@pulumi/aws/types/enums";
export type * as types from "@pulumi/aws/types";
