// What every tenant stack starts from: the tenant's AWS provider (its region and the tags every
// resource must carry) and the platform stack of its region, read through a StackReference.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { Mode, Tenant } from "./config/tenant";

/** What a stack program returns: its stack outputs. */
export type StackOutputs = Record<string, pulumi.Input<unknown>>;

/** The tag keys every taggable resource carries (through the provider's default tags). */
export const REQUIRED_TAG_KEYS = ["tenant", "mode", "managed-by"] as const;
export const MANAGED_BY = "pulumi/tenant-platform";

export function stackTags(tenant: string, mode: Mode | "platform", environment: string): Record<string, string> {
    return { tenant, mode, "managed-by": MANAGED_BY, environment };
}

/** The platform stack of a region: its name is part of the contract between the stacks. */
export function platformStackName(region: string): string {
    return `platform-${region}`;
}

/** The region of a platform stack name, or undefined when the name is not `platform-<region>`. */
export function platformRegionOf(stack: string): string | undefined {
    return /^platform-([a-z]{2}(-[a-z]+)+-\d)$/.exec(stack)?.[1];
}

/**
 * The outputs of the platform stack that tenant stacks read. Keep in step with the platform
 * program's return value: both sides compile against this type.
 */
export interface PlatformOutputs {
    readonly region: string;
    /** Tenants' subdomains live under it; the shared app is `app.<baseDomain>`. */
    readonly baseDomain: string;
    readonly appUrl: string;
    /** SNS topic that warns operations (alarms, failed checks). */
    readonly operationsTopicArn: string;
    /** The role operations staff assume; tenant keys let it use them. */
    readonly operationsRoleArn: string;
    /** The operations network: the only source of administration traffic. */
    readonly operationsCidrs: string[];
    /** Networks every tenant blocks in its network ACLs and web firewall. */
    readonly suspiciousNetworks: string[];
    /** The operations Transit Gateway every tenant's admin tier attaches to. */
    readonly transitGatewayId: string;
    /** The public Route 53 zone of `baseDomain`. */
    readonly publicZoneId: string;
}

export class PlatformReference {
    readonly stack: pulumi.StackReference;

    constructor(region: string, config: pulumi.Config) {
        const name = config.get("platformStack") ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/${platformStackName(region)}`;
        this.stack = new pulumi.StackReference(`platform-${region}`, { name });
    }

    output<K extends keyof PlatformOutputs>(key: K): pulumi.Output<PlatformOutputs[K]> {
        return this.stack.requireOutput(key) as pulumi.Output<PlatformOutputs[K]>;
    }
}

export interface TenantContext {
    readonly tenant: Tenant;
    readonly config: pulumi.Config;
    readonly provider: aws.Provider;
    readonly platform: PlatformReference;
    /** Options for the stack's top-level components: the tenant's provider. */
    readonly opts: pulumi.ComponentResourceOptions;
}

export function tenantContext(tenant: Tenant): TenantContext {
    const config = new pulumi.Config();
    const provider = new aws.Provider(`${tenant.id}-aws`, {
        region: tenant.region as aws.Region,
        defaultTags: { tags: stackTags(tenant.id, tenant.mode, tenant.environment) },
    });
    return { tenant, config, provider, platform: new PlatformReference(tenant.region, config), opts: { provider } };
}

/** The URL users open: a name under the platform's base domain or the customer's own. */
export function tenantUrl(ctx: TenantContext): pulumi.Output<string> {
    const { tenant } = ctx;
    if (tenant.mode === "saas") {
        return ctx.platform.output("appUrl");
    }
    const domain = tenant.domain;
    return domain.kind === "own"
        ? pulumi.output(`https://${domain.fqdn}`)
        : pulumi.interpolate`https://${domain.label}.${ctx.platform.output("baseDomain")}`;
}
