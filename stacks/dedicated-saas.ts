import * as pulumi from "@pulumi/pulumi";

import { AccessLogBucket } from "../components/access-log-bucket";
import * as aws from "../components/aws";
import { AppCopy, appCopyHealthCheckPath } from "../components/app-copy";
import { AvailabilityCheck } from "../components/availability-check";
import { Backup } from "../components/backup";
import { Database, DEFAULT_DATABASE_NAME } from "../components/database";
import { FilesBucket } from "../components/files-bucket";
import { FrontDoor } from "../components/front-door";
import { componentType } from "../components/types";
import { DedicatedSaasTenant } from "./config/tenant";
import { offsiteProvider, StackOutputs, tenantContext } from "./context";
import { databaseTakeover, takeoverArgs } from "./dedicated";
import { SHARED_SERVERS_TAG_KEY } from "../lib/promises/tags";
import { edgeHostName } from "../lib/hosts";
import { RESTORE_TEST_COPY_DAYS } from "../lib/promises/recovery";
import { tenantCopyVaultName } from "./platform-recovery";
import { dataOutputs, foundationOutputs, tenantFoundation } from "./foundation";

/**
 * `dedicated-saas`: the platform's shared servers, but a copy of the app, a database and a front
 * door that are the tenant's alone: an RDS instance of its own in the platform's data tier, and a
 * load balancer of its own in the platform's access tier (TLS 1.2+, HTTP redirect, web firewall,
 * its certificate) whose target group holds the shared servers; its files and backups.
 *
 * A load balancer per tenant rather than a host rule and certificate per tenant on the shared
 * listener: a listener holds 25 certificates and 100 rules, so the 26th tenant of a region would
 * fail, and a tenant's stack would change a listener other tenants' traffic goes through. The
 * servers admit every tenant door through one platform group the doors carry
 * (`tenantFrontDoorSecurityGroupId`), not a rule per tenant. Load balancers count against the
 * region's quota (50 by default), which the plan counts over the fleet.
 *
 * Async: one target attachment per shared server and the door's subnets and network, so the
 * program reads them from the platform stack (deployed before its tenants, so known at preview as
 * at update).
 */
/**
 * Before its own front door, a dedicated-saas tenant's certificate was `<id>-certificate` at the
 * stack's root (its DNS validation and `<label>.<base domain>` alias records its children). The
 * door's certificate takes that one over through an alias, which its children inherit, instead of
 * replacing it: a new alias record of the same name would be created before the old one is deleted,
 * and Route 53 refuses a second record of one name and type. (`transformations`, run by the SDK,
 * rather than `transforms`, which need the engine's support and are invisible to the offline plan.)
 */
export function adoptFormerCertificate(tenantId: string): pulumi.ResourceTransformation {
    return ({ type, name, props, opts }) =>
        type === componentType("edge", "DomainCertificate") && name === `${tenantId}-front-door`
            ? { props, opts: pulumi.mergeOptions(opts, { aliases: [{ name: `${tenantId}-certificate`, parent: pulumi.rootStackResource }] }) }
            : undefined;
}

export async function dedicatedSaas(tenant: DedicatedSaasTenant): Promise<StackOutputs> {
    const ctx = tenantContext(tenant);
    const { platform, opts } = ctx;
    const foundation = tenantFoundation(ctx, { dedicatedKeys: true, identityProvider: "app", keyUserArns: [platform.output("operationsRoleArn")] });
    const keys = foundation.keys!;
    const [instanceIds, dataSubnetIds, accessSubnetIds, vpcCidr, baseDomain, recoveryRegion] = await Promise.all([
        platform.value("appServerInstanceIds"),
        platform.value("dataSubnetIds"),
        platform.value("accessSubnetIds"),
        platform.value("vpcCidr"),
        platform.value("baseDomain"),
        platform.value("offsiteRegion"),
    ]);

    const database = new Database(
        `${tenant.id}-database`,
        {
            vpcId: platform.output("vpcId"),
            subnetIds: dataSubnetIds,
            instanceClass: tenant.database.instanceClass,
            storageGiB: tenant.database.storageGiB,
            kmsKeyArn: keys.dataKeyArn,
            clientSecurityGroupIds: [platform.output("appServersSecurityGroupId")],
            multiAz: tenant.environment === "production",
            // The copy on the shared servers reads its own secret; the grant is the tenant's, in the
            // secret's resource policy (hundreds of tenants would overflow a policy on the shared role).
            secretReaderRoleArns: [platform.output("appServersRoleArn")],
            offboardingFinalBackup: ctx.offboardingFinalBackup,
            // After a failback: the restored database (stack config restoredDatabase).
            ...takeoverArgs(databaseTakeover(ctx.config, "rds")),
        },
        opts,
    );
    const files = new FilesBucket(`${tenant.id}-files`, { kmsKeyArn: keys.dataKeyArn, appRoleArns: [platform.output("appServersRoleArn")] }, opts);

    const accessLogs = new AccessLogBucket(`${tenant.id}-access-logs`, {}, opts);
    const hostName = tenant.domain.kind === "own" ? tenant.domain.fqdn : `${tenant.domain.label}.${baseDomain}`;
    const frontDoor = new FrontDoor(
        `${tenant.id}-front-door`,
        {
            vpcId: platform.output("vpcId"),
            vpcCidr,
            subnetIds: accessSubnetIds,
            internal: false,
            domainName: hostName,
            zoneId: tenant.domain.kind === "subdomain" ? platform.output("publicZoneId") : undefined,
            platformZone: { zoneId: platform.output("publicZoneId"), domain: baseDomain },
            // DNS failover: the customer's own domain points at the platform's edge name, which the
            // platform's recovery environment can take over.
            edgeName: tenant.domain.kind === "own" ? edgeHostName(tenant.id, baseDomain) : undefined,
            suspiciousNetworks: platform.output("suspiciousNetworks"),
            healthCheckPath: appCopyHealthCheckPath(tenant.id),
            extraSecurityGroupIds: [platform.output("tenantFrontDoorSecurityGroupId")],
            offboardingFinalBackup: ctx.offboardingFinalBackup,
            accessLogBucket: accessLogs.bucketName,
            logKeyArn: keys.dataKeyArn,
        },
        { ...opts, transformations: [adoptFormerCertificate(tenant.id)] },
    );
    new AppCopy(
        `${tenant.id}-app`,
        {
            tenant: tenant.id,
            instanceIds,
            targetGroupArn: frontDoor.targetGroupArn,
            serversTag: { key: SHARED_SERVERS_TAG_KEY, value: platform.output("appServersTag").apply((tag) => tag.value) },
            documentName: platform.output("tenantAppDocument"),
            parameters: {
                tenant: tenant.id,
                copy: "dedicated",
                hostName,
                databaseHost: database.address,
                databaseName: DEFAULT_DATABASE_NAME,
                // The copy reads the credentials from Secrets Manager by this ARN at run time.
                databaseSecretArn: database.masterUserSecretArn,
                filesBucket: files.bucketName,
                filesPrefix: "",
            },
        },
        opts,
    );

    const backup = new Backup(
        `${tenant.id}-backup`,
        {
            backupKeyArn: keys.backupKeyArn,
            offsiteRegion: tenant.offsiteRegion,
            offsiteProvider: offsiteProvider(ctx),
            // After a takeover, the former instance too while it is kept (its data is the incident's evidence).
            databaseArns: [database.instanceArn, ...(database instanceof Database && database.formerInstanceArn ? [database.formerInstanceArn] : [])],
            filesBucketArn: files.bucketArn,
            notificationTopicArn: platform.output("operationsTopicArn"),
            // Its recovery runs in the platform's recovery region: where its copies are elsewhere
            // (its backup.offsiteRegion), a weekly copy there too, which the platform recovery's
            // monthly restore test restores (and npm run dr could restore without copying).
            ...(tenant.offsiteRegion === recoveryRegion
                ? {}
                : {
                      recoveryCopy: {
                          vaultArn: pulumi.interpolate`arn:aws:backup:${recoveryRegion}:${aws.getCallerIdentityOutput({}, opts).accountId}:backup-vault:${tenantCopyVaultName(tenant.region)}`,
                          deleteAfterDays: RESTORE_TEST_COPY_DAYS,
                      },
                  }),
        },
        opts,
    );
    new AvailabilityCheck(
        `${tenant.id}-check`,
        { url: foundation.url, alarmTopicArn: platform.output("operationsTopicArn"), kmsKeyArn: keys.dataKeyArn, runtimeVersion: platform.output("canaryRuntime") },
        opts,
    );

    return {
        ...foundationOutputs(ctx, foundation),
        customerDnsRecords: frontDoor.customerDnsRecords,
        ...dataOutputs({ database, files, backup }),
        ...(database.formerInstanceArn ? { formerDatabaseArn: database.formerInstanceArn } : {}),
        // Where a failback of the platform restores this tenant's data (npm run dr, scripts/lib/dr/failback.ts;
        // the backup role restores too): the tenant's DB subnet group and security group in the
        // platform's data tier, its bucket, the region's first zone (the platform's restoreTarget's).
        restoreRoleArn: backup.roleArn,
        restoreTarget: {
            dbSubnetGroupName: database.subnetGroupName,
            securityGroupIds: [database.securityGroupId],
            filesBucketName: files.bucketName,
            availabilityZone: aws.getAvailabilityZonesOutput({ state: "available" }, { provider: ctx.provider }).names[0]!,
        },
    };
}
