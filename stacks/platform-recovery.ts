// The platform's recovery environment (`platform-<region>-recovery`, the security documentation's
// "backup environment", section 4): the shared app of a region rebuilt in the platform's off-site
// region, where its backups are copied, from the same components as production with other data.
// Idle (stack config recoveryActive false, the default) it holds what takes long or must be ready in
// advance and costs little: keys, network, groups, roles, launch templates of the pinned image, the
// recovery files bucket, the database subnet group and group a restore job lands in, the restore role,
// and the monthly restore tests of the off-site copies. Active (`npm run dr -- activate`): the
// servers, the front door, the restored database, the availability check and backups of its own;
// with recoveryRedirect, the SECONDARY failover record of the shared app's host name. Its saas and
// dedicated-saas tenants come along (stacks/platform-recovery-tenants.ts).
// `platform-<region>-drill` is the drill's isolated copy: always active, never a failover record, no
// restore tests or backups of its own, its files bucket emptied on destroy, checked at drill.<app host>.

import * as pulumi from "@pulumi/pulumi";

import { AccessLogBucket } from "../components/access-log-bucket";
import { AppServers } from "../components/app-servers";
import { AvailabilityCheck } from "../components/availability-check";
import * as aws from "../components/aws";
import { Backup } from "../components/backup";
import { DEFAULT_DATABASE_PORT } from "../components/database";
import { DomainCertificate } from "../components/domain-certificate";
import { EncryptionKeys } from "../components/encryption-keys";
import { FilesBucket } from "../components/files-bucket";
import { FrontDoor } from "../components/front-door";
import { Patching } from "../components/patching";
import { RESTORE_TESTING_NAME, RestoreTesting, restoreTestingName as toRestoreTestingName } from "../components/restore-testing";
import { ServerDataAccess } from "../components/server-data-access";
import { TenantNetwork } from "../components/tenant-network";
import { fittedName, NAME_LIMITS, reservedPrefixFreeName } from "../lib/naming";
import { drillStackName, operationsCidrsOf, platformRegionOf, platformStackName, RecoveryKind, recoveryStackName, recoveryTargetOf } from "../lib/platform";
import { BACKUP_VAULT_EVENTS } from "../lib/promises/backup-schedule";
import { TENANT_COPY_DAYS } from "../lib/promises/recovery";
import { stackTags } from "../lib/promises/tags";
import { loadPlatformFleet, PlatformFleet } from "./config/platform-file";
import { platformConfigDir } from "./config/platform-index";
import { repoRoot } from "./config/project";
import { PlatformSettings, TENANT_SPACE } from "./config/platform-settings";
import { Tenant } from "./config/tenant";
import { StackOutputs } from "./context";
import { appHostNameOf, platformSettingsFor } from "./platform";
import { alertSubscriptions } from "./alert-subscriptions";
import { publishingServicesKeyStatements } from "./platform-documents";
import { dedicatedSaasTenantsOf, loadTenantFleet, recoveryTenants, restoredDatabase, tenantDatabasesProblems } from "./platform-recovery-tenants";
import { rdsIdentifierProblem, recoverySwitches, RecoverySwitches, restoredTenantDatabases } from "./recovery-config";
import { recoveryThreatDetection } from "./recovery-guardduty";
import { restoreRole } from "./restore-role";
import { resolveServerImage } from "./server-image";

/** The stack name of a platform's recovery environment or drill copy. */
export function platformRecoveryStackName(region: string, kind: RecoveryKind): string {
    return kind === "recovery" ? recoveryStackName(platformStackName(region)) : drillStackName(platformStackName(region));
}

/**
 * The platform recovery's vault of tenants' copies (a dedicated-saas tenant whose off-site region
 * is not the recovery's copies its weekly points there, and `npm run dr` copies before restoring).
 */
export function tenantCopyVaultName(region: string): string {
    return fittedName(`${platformRecoveryStackName(region, "recovery")}-tenant-copies`, NAME_LIMITS.backupVault);
}

/** The production region and kind of a `platform-<region>-recovery` or `-drill` stack name, or undefined. */
export function platformRecoveryOf(stack: string): { readonly region: string; readonly kind: RecoveryKind } | undefined {
    const target = recoveryTargetOf(stack);
    const region = target === undefined ? undefined : platformRegionOf(target.production);
    return region === undefined ? undefined : { region, kind: target!.kind };
}

export type RecoveryConfig = RecoverySwitches;

/**
 * The recovery stack config (stacks/recovery-config.ts), and what the platform's adds: a redirect
 * needs the restored database (DNS never sends clients to servers without their data), an RDS
 * instance identifier.
 */
export function recoveryConfigOf(config: pulumi.Config, kind: RecoveryKind): RecoveryConfig {
    const switches = recoverySwitches(config, kind);
    const restoredDatabase = switches.restoredDatabase;
    if (switches.redirect && restoredDatabase === undefined) {
        throw new pulumi.RunError("stack config recoveryRedirect: true needs restoredDatabase (the restore job's DB instance): clients are never sent to servers without their data");
    }
    const problem = restoredDatabase === undefined ? undefined : rdsIdentifierProblem(restoredDatabase);
    if (problem !== undefined) {
        throw new pulumi.RunError(`stack config restoredDatabase: ${problem}`);
    }
    return switches;
}

/** A restore testing name from a stack name (components/restore-testing.ts); a name AWS would refuse fails the update as AWS would. */
export function restoreTestingName(base: string, suffix = ""): string {
    const candidate = `${toRestoreTestingName(base)}${suffix}`;
    if (!RESTORE_TESTING_NAME.test(candidate)) {
        throw new pulumi.RunError(`restore testing name "${candidate}": AWS Backup accepts only letters, digits and underscores, 1 to 50 characters (CreateRestoreTestingPlan/Selection)`);
    }
    return candidate;
}

/** Outputs of the production platform the recovery reads (stacks/platform.ts exports them). */
function productionOutput<T>(reference: pulumi.StackReference, key: string): pulumi.Output<T> {
    return reference.requireOutput(key) as pulumi.Output<T>;
}

/**
 * The platform of `region` recovered in its off-site region. `settings`: the production platform's
 * settings (default: read from platform-configs/). `kind`: the recovery environment or the drill copy.
 * `platforms`: the fleet's platform files, who owns GuardDuty's detector is chosen among them
 * (default: read from platform-configs/). `fleet`: the tenants (default: the tenant files,
 * tenant-configs/); it carries the region's dedicated-saas ones.
 */
export function platformRecovery(region: string, kind: RecoveryKind = "recovery", settings?: PlatformSettings, platforms?: PlatformFleet, fleet?: readonly Tenant[]): StackOutputs {
    platforms ??= loadPlatformFleet(platformConfigDir(), repoRoot());
    settings ??= platformSettingsFor(region, platforms);
    const config = new pulumi.Config();
    const recovery = recoveryConfigOf(config, kind);
    const tenants = dedicatedSaasTenantsOf(fleet ?? loadTenantFleet(), region);
    const tenantDatabases = restoredTenantDatabases(config);
    const tenantProblems = tenantDatabasesProblems(tenantDatabases, tenants, recovery.redirect, region);
    if (tenantProblems.length > 0) {
        throw new pulumi.RunError(tenantProblems.join("; "));
    }
    const production = platformStackName(region);
    const name = platformRecoveryStackName(region, kind);
    const recoveryRegion = settings.offsiteRegion;
    const tags = stackTags(name, "platform", "production");
    const provider = new aws.Provider(`${name}-aws`, { region: recoveryRegion as aws.Region, defaultTags: { tags } });
    const opts = { provider };
    const reference = new pulumi.StackReference(production, {
        name: config.get("productionStack") ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/${production}`,
    });
    const zoneId = productionOutput<string>(reference, "publicZoneId");
    const accountId = aws.getCallerIdentityOutput({}, opts).accountId;

    // The off-site region's keys: everything the environment stores is encrypted with them.
    const keys = new EncryptionKeys(
        `${name}-keys`,
        {
            aliasPrefix: `platform/${region}/${kind}`,
            owner: `the ${kind} environment of the platform in ${region}`,
            userArns: [productionOutput<string>(reference, "operationsRoleArn")],
            viaServices: ["ec2", "rds", "s3", "backup", "secretsmanager", "sns", "cloudwatch"],
            extraStatements: (account) => publishingServicesKeyStatements(account.accountId),
            // A drill's copy is torn down: its keys are scheduled for deletion (7 days), not kept.
            disposable: kind === "drill",
        },
        opts,
    );

    // Operations are warned here, in this region: CloudWatch alarms and AWS Backup notify only a topic
    // of their own region, so production's topic cannot serve this environment. The same people.
    const operationsTopic = new aws.sns.Topic(`${name}-operations-topic`, { name: `${name}-operations`, kmsMasterKeyId: keys.dataKey.arn }, opts);
    alertSubscriptions(name, operationsTopic.arn, settings.alertEmails, opts);
    const operationsTopicArn = operationsTopic.arn;

    // Its own operations Transit Gateway (the admin tier attaches to it, as in production): the
    // recovery VPC never peers with production, so it keeps production's address plan.
    const transitGateway = new aws.ec2transitgateway.TransitGateway(
        `${name}-operations-tgw`,
        {
            description: `Operations network of the ${kind} environment of the platform in ${region}`,
            amazonSideAsn: 64512,
            autoAcceptSharedAttachments: "disable",
            dnsSupport: "enable",
            vpnEcmpSupport: "enable",
        },
        opts,
    );
    const network = new TenantNetwork(
        `${name}-network`,
        {
            cidr: settings.networkCidr,
            availabilityZones: aws.getAvailabilityZonesOutput({ state: "available" }, opts).names,
            publicAccess: true,
            transitGatewayId: transitGateway.id,
            operationsCidrs: operationsCidrsOf(settings),
            adminRouteCidrs: [...TENANT_SPACE],
            suspiciousNetworks: [...settings.suspiciousNetworks],
            flowLogKeyArn: keys.dataKeyArn,
            alarmTopicArn: operationsTopicArn,
        },
        opts,
    );

    // The group the front door carries; created idle so that the servers' rules are ready too.
    const frontDoorGroup = new aws.ec2.SecurityGroup(
        `${name}-front-door-clients`,
        {
            name: reservedPrefixFreeName("securityGroup", `${name}-front-door-clients`),
            vpcId: network.vpcId,
            description: "Load balancers in front of the recovery servers; the servers admit it on the app port",
            tags: { Name: `${name}-front-door-clients` },
        },
        opts,
    );
    // Active: the front door (the servers register with its target group).
    const appHostName = appHostNameOf(region, settings);
    // The name the functional check and operators reach the environment on before the redirect.
    // `recovery.<app host>`, or `drill.<app host>` for the drill copy: both may run at once.
    const checkHostName = `${kind}.${appHostName}`;
    const accessLogs = recovery.active ? new AccessLogBucket(`${name}-access-logs`, { disposable: kind === "drill" }, opts) : undefined;
    // The certificate of the shared app's name, validated by production's record: ACM gives an
    // account the same validation CNAME for a name in every region (terraform-provider-aws#13653),
    // so nothing is written to the zone, and production's records stay untouched.
    const frontDoor = !accessLogs
        ? undefined
        : new FrontDoor(
                  `${name}-front-door`,
                  {
                      vpcId: network.vpcId,
                      vpcCidr: settings.networkCidr,
                      subnetIds: network.subnetIds.access,
                      internal: false,
                      domainName: appHostName,
                      platformZone: { zoneId, domain: settings.baseDomain },
                      suspiciousNetworks: [...settings.suspiciousNetworks],
                      accessLogBucket: accessLogs.bucketName,
                      logKeyArn: keys.dataKeyArn,
                      extraSecurityGroupIds: [frontDoorGroup.id],
                      // A drill's door and logs go with its teardown.
                      disposable: kind === "drill",
                  },
                  opts,
              );
    // The off-site region's copy of the pinned release (stacks/config/server-images.json).
    const serverImage = resolveServerImage(recoveryRegion, settings.appServerType, opts);
    const servers = new AppServers(
        `${name}-servers`,
        {
            vpcId: network.vpcId,
            vpcCidr: settings.networkCidr,
            accessSubnetIds: network.subnetIds.access,
            adminSubnetIds: network.subnetIds.admin,
            availabilityZones: network.availabilityZones,
            count: recovery.active ? settings.appServerCount : 0,
            instanceType: settings.appServerType,
            imageId: serverImage.id,
            imageName: serverImage.name,
            dataVolumeGiB: 200,
            kmsKeyArn: keys.dataKeyArn,
            loadBalancerSecurityGroupId: frontDoorGroup.id,
            operationsPrefixListId: network.operationsPrefixListId,
            s3PrefixListId: network.s3PrefixListId,
            patchGroup: name,
            targetGroupArn: frontDoor?.targetGroupArn,
            launchTemplate: true,
        },
        opts,
    );

    // Where a restore job lands: the data tier, admitting the servers only.
    const databaseGroup = new aws.ec2.SecurityGroup(
        `${name}-database-sg`,
        {
            name: reservedPrefixFreeName("securityGroup", `${name}-database`),
            vpcId: network.vpcId,
            description: "Restored databases of the recovery environment: PostgreSQL from its application servers only",
            tags: { Name: `${name}-database` },
        },
        opts,
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-database-from-servers`,
        { securityGroupId: databaseGroup.id, ipProtocol: "tcp", fromPort: DEFAULT_DATABASE_PORT, toPort: DEFAULT_DATABASE_PORT, referencedSecurityGroupId: servers.accessSecurityGroupId, description: "PostgreSQL from the application servers" },
        opts,
    );
    const dbSubnetGroup = new aws.rds.SubnetGroup(
        `${name}-database-subnets`,
        { description: `Data tier of ${name}: restored databases`, subnetIds: network.subnetIds.data },
        opts,
    );
    const files = new FilesBucket(`${name}-files`, { kmsKeyArn: keys.dataKeyArn, disposable: kind === "drill" }, opts);
    const role = restoreRole(name, opts, { copies: true });
    // Where `npm run dr` copies the recovery points of a tenant whose off-site copies are in another
    // region (its backup.offsiteRegion) before restoring them: the recovery environment's vault, only
    // when the region has such a tenant. A drill copy uses the recovery's (a vault is locked and kept
    // on delete: the drill's own would outlive every drill).
    const copiesElsewhere = tenants.some((tenant) => tenant.offsiteRegion !== recoveryRegion);
    const recoveryVaultName = tenantCopyVaultName(region);
    const tenantCopyVaultArn = !copiesElsewhere
        ? undefined
        : kind === "recovery"
          ? tenantCopyVaultOf(name, recoveryVaultName, keys.backupKeyArn, operationsTopicArn, opts).arn
          : pulumi.interpolate`arn:aws:backup:${recoveryRegion}:${accountId}:backup-vault:${recoveryVaultName}`;

    // Monthly restore tests of the production platform's off-site copies (the recovery environment
    // only: the drill copy is torn down after the drill): the shared database and files in the
    // platform's off-site vault, and the dedicated-saas tenants' in theirs (components/backup.ts
    // names it after `<tenant>-backup`), where those are in this region.
    if (kind === "recovery") {
        const tenantVaults = tenants
            .filter((tenant) => tenant.offsiteRegion === recoveryRegion)
            .map((tenant) => pulumi.interpolate`arn:aws:backup:${recoveryRegion}:${accountId}:backup-vault:${fittedName(`${tenant.id}-backup-offsite-vault`, NAME_LIMITS.backupVault)}`);
        const landing = { dbSubnetGroupName: dbSubnetGroup.name, vpcSecurityGroupIds: databaseGroup.id.apply((id) => JSON.stringify([id])) };
        new RestoreTesting(
            `${name}-restore-testing`,
            {
                planName: restoreTestingName(name),
                // The tenants whose copies are elsewhere: their weekly copies in this recovery's copy vault.
                vaultArns: [productionOutput<string>(reference, "offsiteBackupVaultArn"), ...tenantVaults, ...(tenantCopyVaultArn ? [tenantCopyVaultArn] : [])],
                roleArn: role.arn,
                resources: [
                    { name: "database", type: "RDS", restoreMetadataOverrides: landing },
                    { name: "files", type: "S3" },
                ],
            },
            opts,
        );
    }

    // GuardDuty in this region, idle or active: the region's detector owned or adopted, findings to
    // this region's topic (its policy with them).
    recoveryThreatDetection(
        name,
        { stack: name, kind, production: { region, offsiteRegion: recoveryRegion }, platforms, topicArn: operationsTopicArn, accountId, deployRoleName: settings.deployRoleName, kmsKeyArn: keys.dataKeyArn },
        opts,
    );

    const zones = pulumi.output(network.availabilityZones);
    const outputs: StackOutputs = {
        region: recoveryRegion,
        recoveryOf: production,
        recoveryActive: recovery.active,
        operationsTopicArn,
        serverImage: serverImage.name,
        dataKeyArn: keys.dataKeyArn,
        restoreRoleArn: role.arn,
        ...(tenantCopyVaultArn ? { tenantCopyVaultArn } : {}),
        restoreTarget: pulumi.all([dbSubnetGroup.name, databaseGroup.id, files.bucketName, zones]).apply(([dbSubnetGroupName, groupId, filesBucketName, azs]) => ({
            dbSubnetGroupName,
            securityGroupIds: [groupId],
            filesBucketName,
            availabilityZone: azs[0],
        })),
        launchTemplateId: servers.launchTemplateId!,
    };
    // The saas and dedicated-saas tenants of the region (stacks/platform-recovery-tenants.ts).
    const carried = { name, kind, region, settings, tenants, switches: recovery, restoredTenantDatabases: tenantDatabases, keys, zoneId, servers, appHostName, operationsTopicArn };
    const tenantNetwork = { vpcId: network.vpcId, accessSubnetIds: network.subnetIds.access };
    if (frontDoor === undefined) {
        return { ...outputs, dedicatedSaasTenants: recoveryTenants({ ...carried, network: tenantNetwork, frontDoorGroupId: frontDoorGroup.id }, opts) };
    }

    // Active: the same promises as production.
    const checkName = new DomainCertificate(
        `${name}-check-name`,
        { domainName: checkHostName, zoneId, target: { dnsName: frontDoor.dnsName, zoneId: frontDoor.zoneIdOfLoadBalancer } },
        opts,
    );
    new aws.lb.ListenerCertificate(`${name}-check-certificate`, { listenerArn: frontDoor.httpsListenerArn, certificateArn: checkName.certificateArn }, opts);

    const database = recovery.restoredDatabase === undefined ? undefined : restoredDatabase("restoredDatabase", recovery.restoredDatabase, opts);
    const filesBucketName = recovery.restoredFilesBucket ?? files.bucketName;
    const filesBucketArn = pulumi.interpolate`arn:aws:s3:::${filesBucketName}`;
    const dataAccess = new ServerDataAccess(
        `${name}-servers-data`,
        { roleName: servers.roleName, bucketArn: filesBucketArn, secretArns: database ? [database.secretArn] : [], kmsKeyArn: keys.dataKeyArn },
        opts,
    );
    new Patching(`${name}-patching`, { patchGroup: name }, opts);
    const check = new AvailabilityCheck(
        `${name}-check`,
        { url: `https://${checkHostName}`, alarmTopicArn: operationsTopicArn, kmsKeyArn: keys.dataKeyArn, runtimeVersion: settings.canaryRuntime },
        opts,
    );
    // Backups of its own, copied to production's region: failback restores from them. Not the drill
    // copy's: it is torn down, and backup vaults are locked and kept on delete (components/backup.ts).
    const offsiteProvider = kind === "recovery" && (database !== undefined || Object.keys(tenantDatabases).length > 0) ? new aws.Provider(`${name}-aws-offsite`, { region: region as aws.Region, defaultTags: { tags } }) : undefined;
    let backup: Backup | undefined;
    if (database !== undefined && offsiteProvider !== undefined) {
        backup = new Backup(
            `${name}-backup`,
            {
                backupKeyArn: keys.backupKeyArn,
                offsiteRegion: region,
                offsiteProvider,
                databaseArns: [database.arn],
                filesBucketArn,
                notificationTopicArn: operationsTopicArn,
            },
            opts,
        );
    }
    // Step 5 of the contingency plan: the shared app's name fails over to this front door.
    if (recovery.redirect) {
        new aws.route53.Record(
            `${name}-failover-app`,
            {
                zoneId,
                name: appHostName,
                type: "A",
                setIdentifier: "recovery",
                failoverRoutingPolicies: [{ type: "SECONDARY" }],
                aliases: [{ name: frontDoor.dnsName, zoneId: frontDoor.zoneIdOfLoadBalancer, evaluateTargetHealth: true }],
            },
            opts,
        );
    }
    const dedicatedSaasTenants = recoveryTenants(
        {
            ...carried,
            network: tenantNetwork,
            frontDoorGroupId: frontDoorGroup.id,
            accessLogBucket: accessLogs,
            shared: database ? { database, filesBucketName, access: dataAccess } : undefined,
            offsiteProvider,
        },
        opts,
    );
    return {
        ...outputs,
        dedicatedSaasTenants,
        internalDoor: false,
        checkCanaryName: check.canaryName,
        url: `https://${checkHostName}`,
        appUrl: `https://${appHostName}`,
        loadBalancerArn: frontDoor.loadBalancerArn,
        httpsListenerArn: frontDoor.httpsListenerArn,
        appServerInstanceIds: pulumi.all(servers.instanceIds),
        ...(database ? { databaseArn: database.arn, databaseAddress: database.address } : {}),
        // offsiteBackupVaultArn: the copies in production's region, which failback restores from (as stacks/recovery.ts).
        ...(backup ? { backupVaultArn: backup.vaultArn, offsiteBackupVaultArn: backup.offsiteVaultArn } : {}),
    };
}

/**
 * Where `npm run dr` copies the recovery points of a dedicated-saas tenant whose off-site region
 * (its `backup.offsiteRegion`) is not this recovery's region before restoring them (AWS Backup
 * restores only from a vault of the restore's own region): a vault of this region, under the
 * recovery's backup key, locked and notifying as every vault of the platform is (its lock admits what
 * lands in it: dr's copies, TENANT_COPY_DAYS, and the tenants' weekly recovery copies,
 * RESTORE_TEST_COPY_DAYS; BACKUP_VAULT_EVENTS to the operations topic), kept on delete
 * (copies may be in it). Exists while idle, so an activation never waits for it. dr gives each copy
 * the lock's shortest lifetime (7 days): the copies are a step of the restore, not backups.
 */
function tenantCopyVaultOf(name: string, vaultName: string, backupKeyArn: pulumi.Input<string>, topicArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): aws.backup.Vault {
    const keep = { ...opts, retainOnDelete: true };
    const vault = new aws.backup.Vault(
        `${name}-tenant-copies`,
        { name: vaultName, kmsKeyArn: backupKeyArn, forceDestroy: false, tags: { tier: "data" } },
        keep,
    );
    new aws.backup.VaultLockConfiguration(`${name}-tenant-copies-lock`, { backupVaultName: vault.name, minRetentionDays: TENANT_COPY_DAYS, maxRetentionDays: 366 }, keep);
    new aws.backup.VaultNotifications(`${name}-tenant-copies-notifications`, { backupVaultName: vault.name, snsTopicArn: topicArn, backupVaultEvents: [...BACKUP_VAULT_EVENTS] }, opts);
    return vault;
}


