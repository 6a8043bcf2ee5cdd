// The shared platform stack of one region (`platform-<region>`): the environment saas and
// dedicated-saas tenants run on and the operations backbone every tenant stack references.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { EncryptionKeys } from "../components/encryption-keys";
import { PlatformOutputs, stackTags } from "./context";
import { readPlatformSettings } from "./platform-settings";

export type PlatformStackOutputs = { [K in keyof PlatformOutputs]: pulumi.Input<PlatformOutputs[K]> };

export function platform(region: string): PlatformStackOutputs {
    const settings = readPlatformSettings(new pulumi.Config());
    const name = `platform-${region}`;
    const provider = new aws.Provider(`${name}-aws`, {
        region: region as aws.Region,
        defaultTags: { tags: stackTags(name, "platform", "production") },
    });
    const opts = { provider };

    // Operations staff assume this role (MFA required) for administration across tenants; tenant
    // keys name it as a user.
    const operationsRole = new aws.iam.Role(
        `${name}-operations`,
        {
            name: `${name}-operations`,
            description: `Operations staff of the platform in ${region}`,
            assumeRolePolicy: aws.getCallerIdentityOutput({}, opts).accountId.apply((accountId) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${accountId}:root` },
                            Action: "sts:AssumeRole",
                            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                        },
                    ],
                }),
            ),
            maxSessionDuration: 3600,
        },
        opts,
    );

    const keys = new EncryptionKeys(
        `${name}-keys`,
        { aliasPrefix: `platform/${region}`, owner: `the platform in ${region}`, userArns: [operationsRole.arn], viaServices: ["ec2", "rds", "s3", "backup", "secretsmanager", "sns", "cloudwatch"] },
        opts,
    );
    // Operations are warned here: blocked-port attempts, failed availability checks, backup failures.
    const operationsTopic = new aws.sns.Topic(`${name}-operations-topic`, { name: `${name}-operations`, kmsMasterKeyId: keys.dataKey.arn }, opts);

    // The operations network: every tenant's admin tier attaches here and routes only here.
    const transitGateway = new aws.ec2transitgateway.TransitGateway(
        `${name}-operations-tgw`,
        {
            description: `Operations network of the platform in ${region}`,
            amazonSideAsn: 64512,
            autoAcceptSharedAttachments: "disable",
            defaultRouteTableAssociation: "enable",
            defaultRouteTablePropagation: "enable",
            dnsSupport: "enable",
            vpnEcmpSupport: "enable",
        },
        opts,
    );

    const zone = new aws.route53.Zone(`${name}-zone`, { name: settings.baseDomain, comment: `Public zone of ${settings.baseDomain}`, forceDestroy: false }, { ...opts, retainOnDelete: true });

    return {
        region,
        baseDomain: settings.baseDomain,
        appUrl: `https://app.${settings.baseDomain}`,
        operationsTopicArn: operationsTopic.arn,
        operationsRoleArn: operationsRole.arn,
        operationsCidrs: [...settings.operationsCidrs],
        suspiciousNetworks: [...settings.suspiciousNetworks],
        transitGatewayId: transitGateway.id,
        publicZoneId: zone.zoneId,
    };
}
