// What every tenant stack starts from: the tenant's AWS provider (its region and the tags every
// resource must carry) and the platform stack of its region, read through a StackReference.

import * as pulumi from "@pulumi/pulumi";

import * as aws from "../components/aws";
import { platformStackName } from "../lib/platform";
import { OFFBOARDING_CONFIG_KEY, offboardingTagValue, parseFinalBackupConfig } from "../lib/promises/offboarding";
import { stackTags } from "../lib/promises/tags";
import { Tenant } from "./config/tenant";

/** What a stack program returns: its stack outputs. */
export type StackOutputs = Record<string, pulumi.Input<unknown>>;

/**
 * The outputs of the platform stack that tenant stacks read. Keep in step with the platform
 * program's return value: both sides compile against this type.
 */
export interface PlatformOutputs {
    readonly region: string;
    /** The region whose platform owns the account's trail and public zone (every platform names the same). */
    readonly homeRegion: string;
    /** The trail that records the account in every region: the home platform's, or the organisation's. */
    readonly auditTrailArn: string;
    /** The GuardDuty detector of this region: the platform's own, or the adopted one. */
    readonly guardDutyDetectorId: string;
    /** Tenants' subdomains live under it; the shared app is `app.<baseDomain>`. */
    readonly baseDomain: string;
    readonly appUrl: string;
    /** SNS topic that warns operations (alarms, failed checks). */
    readonly operationsTopicArn: string;
    /** The people its topic pages (the platform setting `alertEmails`): a recovery environment's own topic pages them too. */
    readonly alertEmails: readonly string[];
    /** The role operations staff assume; tenant keys let it use them. */
    readonly operationsRoleArn: string;
    /** The operations network: the only source of administration traffic. */
    readonly operationsCidrs: string[];
    /** Networks every tenant blocks in its network ACLs and web firewall. */
    readonly suspiciousNetworks: string[];
    /** The operations Transit Gateway every tenant's admin tier attaches to. */
    readonly transitGatewayId: string;
    /**
     * Its route tables: tenants' attachments associate with `tenants` (which knows only the
     * platform) and propagate into `operations` (the platform's), so no tenant reaches another.
     */
    readonly transitGatewayRouteTables: { tenants: string; operations: string };
    /** The public Route 53 zone of `baseDomain`: the home platform's, passed on by every other platform. */
    readonly publicZoneId: string;

    // The shared environment saas and dedicated-saas tenants run on.
    readonly vpcId: string;
    readonly vpcCidr: string;
    /** The shared network's data tier (two AZs): dedicated-saas databases live here. */
    readonly dataSubnetIds: string[];
    /** The shared network's access tier (two AZs): dedicated-saas tenants' own load balancers live here. */
    readonly accessSubnetIds: string[];
    /**
     * The group every dedicated-saas tenant's load balancer carries: the shared servers admit it on
     * the app port (one rule for every tenant).
     */
    readonly tenantFrontDoorSecurityGroupId: string;
    /** The shared application servers' access security group: the only client of tenant databases. */
    readonly appServersSecurityGroupId: string;
    /**
     * The shared application servers' instance role: dedicated-saas tenants name it in their own
     * bucket's and database secret's resource policies (a grant per tenant on the shared role would
     * meet IAM's 10,240-character limit of a role's inline policies).
     */
    readonly appServersRoleArn: string;
    /** The shared application servers, each running every saas tenant and the dedicated copies. */
    readonly appServerInstanceIds: string[];
    /** Tag key and value that select the shared application servers (SSM associations target it). */
    readonly appServersTag: { key: string; value: string };
    /**
     * The shared app's load balancer (`app.<baseDomain>`) and its HTTPS listener. dedicated-saas
     * tenants no longer use them: each has a load balancer of its own, so no tenant meets the
     * listener's 25 certificates or 100 rules, nor adds a rule to a listener others use.
     */
    readonly httpsListenerArn: string;
    readonly loadBalancerDnsName: string;
    /** The load balancer's canonical hosted zone, for alias records. */
    readonly loadBalancerZoneId: string;
    /** The shared database (saas tenants get a database of their own inside it). */
    readonly sharedDatabaseAddress: string;
    /** The shared files bucket (saas tenants get a prefix of their own in it). */
    readonly sharedFilesBucket: string;
    /** SSM document that installs or configures a tenant's copy of the app on the shared servers. */
    readonly tenantAppDocument: string;
    /** The CloudWatch Synthetics runtime of every availability check (platform setting `canaryRuntime`). */
    readonly canaryRuntime: string;
    /** Where its backups are copied and its recovery environment runs (platform-<region>-recovery). */
    readonly offsiteRegion: string;
}

export class PlatformReference {
    readonly stack: pulumi.StackReference;

    /** `configKey`: the stack config that names another stack instead (`platformStack` on tenant stacks). */
    constructor(region: string, config: pulumi.Config, configKey = "platformStack") {
        const name = config.get(configKey) ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/${platformStackName(region)}`;
        this.stack = new pulumi.StackReference(`platform-${region}`, { name });
    }

    output<K extends keyof PlatformOutputs>(key: K): pulumi.Output<PlatformOutputs[K]> {
        return this.stack.requireOutput(key) as pulumi.Output<PlatformOutputs[K]>;
    }

    /**
     * The value itself, for the few places where the program's shape depends on it (one
     * resource per shared server). The platform is deployed before its tenants, so the value is
     * known at preview as at update.
     */
    async value<K extends keyof PlatformOutputs>(key: K): Promise<PlatformOutputs[K]> {
        const details = await this.stack.getOutputDetails(key);
        const value = details.value ?? details.secretValue;
        if (value === undefined) {
            throw new pulumi.RunError(`the platform stack ${this.stack.name} has no output "${key}": deploy the platform of this region first`);
        }
        return value as PlatformOutputs[K];
    }
}

export interface TenantContext {
    readonly tenant: Tenant;
    readonly config: pulumi.Config;
    readonly provider: aws.Provider;
    readonly platform: PlatformReference;
    /** Options for the stack's top-level components: the tenant's provider. */
    readonly opts: pulumi.ComponentResourceOptions;
    /**
     * The offboarding switch (`offboardingOf`): the final backup's recovery point ARNs while
     * `npm run destroy` offboards the stack, which turns the deletion protection of its database
     * and load balancer off; undefined otherwise, protection on.
     */
    readonly offboardingFinalBackup: string | undefined;
}

/**
 * The one switch that lifts deletion protection: the stack config `offboardingFinalBackup`
 * (lib/promises/offboarding.ts), which `npm run destroy` sets only after the final backup of the
 * tenant's data has COMPLETED, right before it destroys the stack. Returns the recovery point ARNs
 * the protected resources are tagged with; undefined (protection on) when unset. A value that names
 * no recovery points fails the update: protection is never lifted on a guess.
 */
export function offboardingOf(config: pulumi.Config): string | undefined {
    const raw = config.get(OFFBOARDING_CONFIG_KEY);
    if (raw === undefined) {
        return undefined;
    }
    const parsed = parseFinalBackupConfig(raw);
    if ("problems" in parsed) {
        throw new pulumi.RunError(`stack config ${OFFBOARDING_CONFIG_KEY}: ${parsed.problems.join("; ")}; it is set by \`npm run destroy\` after the final backup, never by hand`);
    }
    return offboardingTagValue(parsed.record);
}

export function tenantContext(tenant: Tenant): TenantContext {
    const config = new pulumi.Config();
    const provider = new aws.Provider(`${tenant.id}-aws`, {
        region: tenant.region as aws.Region,
        defaultTags: { tags: stackTags(tenant.id, tenant.mode, tenant.environment) },
    });
    return { tenant, config, provider, platform: new PlatformReference(tenant.region, config), opts: { provider }, offboardingFinalBackup: offboardingOf(config) };
}

/** A provider for the tenant's off-site backup region, tagged like the stack's own. */
export function offsiteProvider(ctx: TenantContext): aws.Provider {
    const { tenant } = ctx;
    return new aws.Provider(`${tenant.id}-aws-offsite`, {
        region: tenant.offsiteRegion as aws.Region,
        defaultTags: { tags: stackTags(tenant.id, tenant.mode, tenant.environment) },
    });
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
