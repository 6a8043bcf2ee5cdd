// The shared platform stack of one region (`platform-<region>`): the environment saas and
// dedicated-saas tenants run on and the operations backbone every tenant stack references.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { EncryptionKeys } from "../components/encryption-keys";
import { PlatformOutputs, stackTags } from "./context";

/** Platform settings from the platform stack's config, with their documented defaults. */
export interface PlatformSettings {
    /** `baseDomain`: tenants get `<subdomain>.<baseDomain>`, the shared app `app.<baseDomain>`. Default: `itm.example.net`. */
    readonly baseDomain: string;
}

export const DEFAULT_BASE_DOMAIN = "itm.example.net";

export function platformSettings(config: pulumi.Config): PlatformSettings {
    return { baseDomain: config.get("baseDomain") ?? DEFAULT_BASE_DOMAIN };
}

export function platform(region: string): { [K in keyof PlatformOutputs]: pulumi.Input<PlatformOutputs[K]> } {
    const settings = platformSettings(new pulumi.Config());
    const name = `platform-${region}`;
    const provider = new aws.Provider(`${name}-aws`, {
        region: region as aws.Region,
        defaultTags: { tags: stackTags(name, "platform", "production") },
    });
    const opts = { provider };

    const keys = new EncryptionKeys(`${name}-keys`, { aliasPrefix: `platform/${region}`, owner: `the platform in ${region}` }, opts);
    // Operations are warned here: blocked-port attempts, failed availability checks, backup failures.
    const operationsTopic = new aws.sns.Topic(
        `${name}-operations`,
        { name: `${name}-operations`, kmsMasterKeyId: keys.dataKey.arn },
        { provider },
    );

    return {
        region,
        baseDomain: settings.baseDomain,
        appUrl: `https://app.${settings.baseDomain}`,
        operationsTopicArn: operationsTopic.arn,
    };
}
