// The recovery environment of a dedicated tenant (the seed's "backup environment", section 4): the
// stack `<tenant>-recovery` in the tenant's off-site region, where its backups are copied. The same
// composition as production (stacks/dedicated.ts) with different data: the off-site region's
// provider, keys and image; the mode's profile (exposure, VPN, hardware); and two switches set by
// `npm run dr` only (stack config):
// - idle (`recoveryActive` false, the default): kept cheap and ready. Keys, network, security
//   groups, role and instance profile, the servers' launch template, the files bucket, where a
//   restore lands (DB subnet group and group, the restore role), the VPN endpoints the customer
//   configures in advance, and the monthly restore testing of production's off-site copies. No
//   instance, no database, no load balancer.
// - active (`recoveryActive` true): the servers (on Dedicated Hosts for physical), the front door
//   and its availability check on the environment's own check name (`recovery.<failover name>`,
//   `drill.<failover name>` for the drill copy), the restored database (`restoredDatabase`, created by the restore
//   job) and a backup plan of its own. `recoveryRedirect` adds the SECONDARY failover record that
//   sends users here when production's health check fails.
// The drill's isolated copy (`<tenant>-drill`) is this program always active, never with a
// failover record (only its own check name), and without restore testing (the recovery stack has it).

import * as pulumi from "@pulumi/pulumi";

import { AccessLogBucket } from "../components/access-log-bucket";
import { AppServers } from "../components/app-servers";
import { AvailabilityCheck } from "../components/availability-check";
import * as aws from "../components/aws";
import { Backup } from "../components/backup";
import { hostInstanceType, instanceFamilyOf } from "../components/dedicated-host";
import { EncryptionKeys } from "../components/encryption-keys";
import { DomainCertificate } from "../components/domain-certificate";
import { checkHostName, secondaryFailoverRecord } from "../components/failover-dns";
import { FilesBucket } from "../components/files-bucket";
import { FrontDoor } from "../components/front-door";
import { Patching } from "../components/patching";
import { RestoreLanding } from "../components/restore-landing";
import { RestoreTestedResource, RestoreTesting, restoreTestingName } from "../components/restore-testing";
import { ServerDataAccess } from "../components/server-data-access";
import { TenantNetwork } from "../components/tenant-network";
import { edgeHostName } from "../lib/hosts";
import { MODE_TRAITS, Mode } from "../lib/modes";
import { fittedName, NAME_LIMITS } from "../lib/naming";
import { drillStackName, RecoveryKind, recoveryStackName } from "../lib/platform";
import { stackTags } from "../lib/promises/tags";
import { Tenant } from "./config/tenant";
import { restoredDatabaseProblem } from "./config/stack-config";
import { alertSubscriptions } from "./alert-subscriptions";
import { cloudProfile } from "./cloud";
import { offboardingOf, PlatformReference, StackOutputs, TenantContext } from "./context";
import { customerVpn, DedicatedCloudTenant, dedicatedHosts, DedicatedProfile, hostName, vpnFailoverNote } from "./dedicated";
import { physicalProfile } from "./physical";
import { operationsTopicPolicy, publishingServicesKeyStatements } from "./platform-documents";
import { recoverySwitches } from "./recovery-config";
import { resolveServerImage } from "./server-image";
import { vpnProfile } from "./vpn";
import { vpnSyncProfile } from "./vpn-sync";

/** The modes with a recovery environment of their own: those with a network of their own (the dedicated ones). */
export function hasRecoveryEnvironment(mode: Mode): boolean {
    return MODE_TRAITS[mode].network;
}

/** The mode's profile: the recovery runs what production runs. */
function profileOf(tenant: DedicatedCloudTenant): DedicatedProfile {
    switch (tenant.mode) {
        case "physical":
            return physicalProfile();
        case "cloud":
            return cloudProfile();
        case "vpn":
            return vpnProfile(tenant);
        case "vpn-sync":
            return vpnSyncProfile(tenant);
    }
}

/** The recovery stack's context: the tenant's tags, the off-site region's provider, the production region's platform. */
function recoveryContext(tenant: DedicatedCloudTenant, stack: string): TenantContext {
    const config = new pulumi.Config();
    const provider = new aws.Provider(`${stack}-aws`, {
        region: tenant.offsiteRegion as aws.Region,
        // The stack's own name as its tenant tag, as every stack's (policy: aws-provider-default-tags).
        defaultTags: { tags: stackTags(stack, tenant.mode, tenant.environment) },
    });
    // The platform of the production region: the base domain, public zone, operations role and
    // networks, the suspicious networks and canary runtime are the same for both environments.
    return { tenant, config, provider, platform: new PlatformReference(tenant.region, config), opts: { provider }, offboardingFinalBackup: offboardingOf(config) };
}

/** The name of the host's failover pair: the host, or for a customer's own domain its edge name (lib/hosts.ts). */
function failoverName(tenant: DedicatedCloudTenant, baseDomain: string): string {
    return tenant.domain.kind === "own" ? edgeHostName(tenant.id, baseDomain) : hostName(tenant, baseDomain);
}

/** The stack of a tenant's recovery environment (kind `recovery`) or drill copy (`drill`). */
export async function recoveryEnvironment(tenant: DedicatedCloudTenant, kind: RecoveryKind): Promise<StackOutputs> {
    const profile = profileOf(tenant);
    const stack = kind === "drill" ? drillStackName(tenant.id) : recoveryStackName(tenant.id);
    // Resources are named as production's (`acme-network`, ...): another stack, another region, and
    // names that fit where production's fit (a 30-character id leaves no room for "-recovery" in
    // names such as IAM's 64 characters). The stack name says which environment it is.
    const name = tenant.id;
    const ctx = recoveryContext(tenant, stack);
    const { platform, opts, provider } = ctx;
    const switches = recoverySwitches(ctx.config, kind);
    const baseDomain = await platform.value("baseDomain");
    const region = tenant.offsiteRegion;

    // The off-site region's keys: nothing of the recovery environment is encrypted with production's.
    const keys = new EncryptionKeys(
        `${name}-keys`,
        {
            aliasPrefix: `tenants/${stack}`,
            owner: `the recovery environment of tenant ${tenant.id}`,
            userArns: [platform.output("operationsRoleArn")],
            // CloudWatch, EventBridge and AWS Backup publish to the encrypted alarm topic as themselves.
            extraStatements: (account) => publishingServicesKeyStatements(account.accountId),
            // A drill's copy is torn down: its keys are scheduled for deletion (7 days), not kept.
            disposable: kind === "drill",
        },
        opts,
    );
    // CloudWatch alarms notify a topic of their own region: the recovery environment's own, which
    // pages the people production's platform pages and lets the alarms and AWS Backup publish.
    const alarmTopic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: keys.dataKeyArn, tags: { Name: `${name}-alerts` } }, opts);
    alertSubscriptions(name, alarmTopic.arn, await platform.value("alertEmails"), opts);
    new aws.sns.TopicPolicy(
        `${name}-alerts-policy`,
        {
            arn: alarmTopic.arn,
            policy: pulumi.all([alarmTopic.arn, aws.getCallerIdentityOutput({}, { provider }).accountId]).apply(([topicArn, accountId]) => operationsTopicPolicy({ topicArn, accountId })),
        },
        opts,
    );
    const suspiciousNetworks = platform.output("suspiciousNetworks");

    // The same address plan as production: the recovery network never peers with production, and
    // the customer's routes (VPN modes) stay the same after a redirect. No transit gateway: the
    // platform's is in the production region; operations reach the servers through Systems Manager.
    const network = new TenantNetwork(
        `${name}-network`,
        {
            cidr: tenant.networkCidr,
            availabilityZones: aws.getAvailabilityZonesOutput({ state: "available" }, { provider }).names,
            publicAccess: profile.publicAccess,
            transitGatewayId: undefined,
            operationsCidrs: platform.output("operationsCidrs"),
            suspiciousNetworks,
            trustedCidrs: profile.vpn ? [...profile.vpn.corporateCidrs] : [],
            flowLogKeyArn: keys.dataKeyArn,
            alarmTopicArn: alarmTopic.arn,
            // Systems Manager's and the other interface endpoints serve running servers: none while
            // idle (they are billed by the hour, the bulk of an idle environment's cost).
            interfaceEndpoints: switches.active ? undefined : [],
        },
        opts,
    );

    // VPN modes: the tunnels exist while idle, so the customer configures its device in advance.
    const vpn = customerVpn(name, profile, network, opts);

    const domainName = hostName(tenant, baseDomain);
    const frontDoor = switches.active
        ? new FrontDoor(
              `${name}-front-door`,
              {
                  vpcId: network.vpcId,
                  vpcCidr: tenant.networkCidr,
                  subnetIds: network.subnetIds.access,
                  internal: !profile.publicAccess,
                  allowedCidrs: profile.publicAccess ? undefined : [...(profile.vpn?.corporateCidrs ?? []), ...network.subnetCidrs.access],
                  domainName,
                  // No record of its own for the host: production holds the name (the failover
                  // pair's PRIMARY); the certificate validates with the records ACM keeps the same
                  // for this account and name (production's, already in place), listed in
                  // customerDnsRecords for own domains.
                  zoneId: undefined,
                  platformZone: { zoneId: platform.output("publicZoneId"), domain: baseDomain },
                  suspiciousNetworks,
                  accessLogBucket: new AccessLogBucket(`${name}-access-logs`, { disposable: kind === "drill" }, opts).bucketName,
                  logKeyArn: keys.dataKeyArn,
                  // A drill's door and logs go with its teardown.
                  disposable: kind === "drill",
              },
              opts,
          )
        : undefined;

    const image = resolveServerImage(region, tenant.compute.instanceType, { provider });
    // Physical: its own hardware only while active (a Dedicated Host is paid by the hour from allocation).
    const placement = profile.dedicatedHost && switches.active ? dedicatedHosts(ctx, tenant, network.availabilityZones[0]!) : undefined;
    const zoneCount = profile.dedicatedHost ? 1 : 2;
    const inZones = <T>(list: readonly T[]): T[] => list.slice(0, zoneCount);
    const servers = new AppServers(
        `${name}-servers`,
        {
            vpcId: network.vpcId,
            vpcCidr: tenant.networkCidr,
            accessSubnetIds: inZones(network.subnetIds.access),
            adminSubnetIds: inZones(network.subnetIds.admin),
            availabilityZones: inZones(network.availabilityZones),
            count: switches.active ? tenant.compute.instances : 0,
            instanceType: tenant.compute.instanceType,
            imageId: image.id,
            imageName: image.name,
            dataVolumeGiB: tenant.compute.volumeGiB,
            kmsKeyArn: keys.dataKeyArn,
            loadBalancerSecurityGroupId: frontDoor?.securityGroupId,
            operationsPrefixListId: network.operationsPrefixListId,
            s3PrefixListId: network.s3PrefixListId,
            patchGroup: stack,
            targetGroupArn: frontDoor?.targetGroupArn,
            hostIds: placement?.serverHosts.map((host) => host.hostId),
            launchTemplate: true,
        },
        opts,
    );

    // The drill's copy of production's files is deleted with the drill stack (its teardown).
    const files = new FilesBucket(`${name}-files`, { kmsKeyArn: keys.dataKeyArn, disposable: kind === "drill" }, opts);
    const landing = new RestoreLanding(`${name}-restore`, { vpcId: network.vpcId, dataSubnetIds: network.subnetIds.data, clientSecurityGroupIds: [servers.accessSecurityGroupId] }, opts);
    const databaseZone = placement ? placement.databaseHost.availabilityZone : network.availabilityZones[0]!;

    // Production's off-site vault (components/backup.ts names it after `<tenant>-backup`): its
    // recovery points are what the monthly restore test restores, into this network.
    if (kind === "recovery") {
        const account = aws.getCallerIdentityOutput({}, { provider }).accountId;
        const vaultArn = pulumi.interpolate`arn:aws:backup:${region}:${account}:backup-vault:${fittedName(`${tenant.id}-backup-offsite-vault`, NAME_LIMITS.backupVault)}`;
        const database: RestoreTestedResource = profile.dedicatedHost
            ? {
                  name: "database_server",
                  type: "EC2",
                  restoreMetadataOverrides: { subnetId: network.subnetIds.data[0]!, securityGroupIds: landing.securityGroupId.apply((id) => JSON.stringify([id])) },
              }
            : {
                  name: "database",
                  type: "RDS",
                  restoreMetadataOverrides: { dbSubnetGroupName: landing.dbSubnetGroupName, vpcSecurityGroupIds: landing.securityGroupId.apply((id) => JSON.stringify([id])) },
              };
        new RestoreTesting(
            `${name}-restore-testing`,
            { planName: restoreTestingName(stack), vaultArns: [vaultArn], roleArn: landing.roleArn, resources: [database, { name: "files", type: "S3" }] },
            opts,
        );
    }

    // Active: the restored database, looked up by what the restore job created.
    const restored = switches.active && switches.restoredDatabase !== undefined ? restoredDatabase(switches.restoredDatabase, profile, provider) : undefined;
    const filesBucket = switches.restoredFilesBucket ?? files.bucketName;
    const filesBucketArn = switches.restoredFilesBucket !== undefined ? pulumi.output(`arn:aws:s3:::${switches.restoredFilesBucket}`) : files.bucketArn;
    if (switches.active) {
        new ServerDataAccess(
            `${name}-servers-data`,
            { roleName: servers.roleName, bucketArn: filesBucketArn, secretArns: restored?.secretArn ? [restored.secretArn] : [], kmsKeyArn: keys.dataKeyArn },
            opts,
        );
        // Its servers are patched, inventoried and scanned as production's are (weekend window).
        new Patching(`${name}-patching`, { patchGroup: stack }, opts);
    }
    // Backups of its own once it holds data (same promise as production), copied off-site to the
    // production region: what a failback restores from. Not the drill copy's: it is torn down, and
    // backup vaults are locked and kept on delete (components/backup.ts).
    const backup =
        restored !== undefined && kind === "recovery"
            ? new Backup(
                  `${name}-recovery-backup`,
                  {
                      backupKeyArn: keys.backupKeyArn,
                      offsiteRegion: tenant.region,
                      offsiteProvider: new aws.Provider(`${stack}-aws-offsite`, { region: tenant.region as aws.Region, defaultTags: { tags: stackTags(stack, tenant.mode, tenant.environment) } }),
                      databaseArns: [restored.arn],
                      filesBucketArn,
                      instanceArns: servers.instanceArns,
                      notificationTopicArn: alarmTopic.arn,
                  },
                  opts,
              )
            : undefined;

    // The name the functional check (the availability check, `npm run dr`'s step 4) reaches this
    // environment on before the redirect: `<kind>.<failover name>`, since the failover name answers
    // with production until then; the recovery and the drill copy may run at once. Its certificate
    // is validated by a record of its own in the platform's zone (`_<hash>.<check name>`, apart from
    // production's `_<hash>.<host>` and the other kind's), and exists while idle (free of charge):
    // an activation never waits for ACM. Active, the name aliases the door and its listener serves it.
    const checkName = checkHostName(kind, failoverName(tenant, baseDomain));
    const url = `https://${checkName}`;
    const zoneId = platform.output("publicZoneId");
    const checkCertificate = new DomainCertificate(`${name}-check-name`, { domainName: checkName, zoneId, platformZone: { zoneId, domain: baseDomain } }, opts);
    let check: AvailabilityCheck | undefined;
    if (frontDoor) {
        new aws.route53.Record(
            `${name}-check-name-alias`,
            { zoneId, name: checkName, type: "A", aliases: [{ name: frontDoor.dnsName, zoneId: frontDoor.zoneIdOfLoadBalancer, evaluateTargetHealth: true }] },
            opts,
        );
        new aws.lb.ListenerCertificate(`${name}-check-certificate`, { listenerArn: frontDoor.httpsListenerArn, certificateArn: checkCertificate.certificateArn }, opts);
        check = new AvailabilityCheck(
            `${name}-check`,
            {
                url,
                alarmTopicArn: alarmTopic.arn,
                kmsKeyArn: keys.dataKeyArn,
                runtimeVersion: platform.output("canaryRuntime"),
                vpc: profile.publicAccess
                    ? undefined
                    : { vpcId: network.vpcId, cidr: tenant.networkCidr, subnetIds: network.subnetIds.access, s3PrefixListId: network.s3PrefixListId },
            },
            opts,
        );
    }
    // Step 5 of the contingency plan: the SECONDARY of the host's failover pair (production holds
    // the PRIMARY and its health check: HTTPS on a public door, its availability alarm on a VPN-only
    // tenant's internal door), in the platform's zone. Never for a drill.
    if (frontDoor && switches.redirect && kind === "recovery") {
        secondaryFailoverRecord(
            `${name}-failover`,
            {
                zoneId: platform.output("publicZoneId"),
                hostName: failoverName(tenant, baseDomain),
                target: { dnsName: frontDoor.dnsName, zoneId: frontDoor.zoneIdOfLoadBalancer },
            },
            opts,
        );
    }

    return {
        tenant: tenant.id,
        mode: tenant.mode,
        region,
        recoveryOf: tenant.id,
        recoveryActive: switches.active,
        recoveryRedirect: switches.redirect,
        serverImage: image.name,
        dataKeyArn: keys.dataKeyArn,
        vpcId: network.vpcId,
        launchTemplateId: servers.launchTemplateId!,
        operationsTopicArn: alarmTopic.arn,
        restoreRoleArn: landing.roleArn,
        restoreTarget: {
            dbSubnetGroupName: landing.dbSubnetGroupName,
            securityGroupIds: [landing.securityGroupId],
            filesBucketName: filesBucket,
            availabilityZone: databaseZone,
            ...(profile.dedicatedHost ? { subnetId: network.subnetIds.data[0]! } : {}),
            // Physical: the restore job launches the database server as production's is (its
            // instance type, the one its Dedicated Host is sized for) with the recovery servers'
            // instance profile, idle or active (npm run dr restores before it activates); while
            // active, the host's id for its placement (scripts/lib/dr/restore-plan.ts).
            ...(profile.dedicatedHost
                ? {
                      instanceType: hostInstanceType(instanceFamilyOf(tenant.compute.instanceType), tenant.database.instanceClass),
                      instanceProfileName: servers.instanceProfileName,
                      ...(placement ? { hostId: placement.databaseHost.hostId } : {}),
                  }
                : {}),
        },
        filesBucket,
        ...(vpn
            ? {
                  vpnRouting: vpn.routing,
                  vpnCustomerNetworks: [...(profile.vpn?.corporateCidrs ?? [])],
                  vpnTunnels: vpn.tunnels,
                  vpnPresharedKeys: vpn.presharedKeys,
                  vpnFailover: vpnFailoverNote({ tenant, failoverName: failoverName(tenant, baseDomain), role: "recovery" }),
              }
            : {}),
        ...(frontDoor && check
            ? {
                  url,
                  appUrl: `https://${domainName}`,
                  // An operator's machine cannot reach an internal door: dr checks it from inside (the canary).
                  internalDoor: !profile.publicAccess,
                  checkCanaryName: check.canaryName,
                  loadBalancerArn: frontDoor.loadBalancerArn,
                  loadBalancerDnsName: frontDoor.dnsName,
                  httpsListenerArn: frontDoor.httpsListenerArn,
                  // Only the certificate's validation records (the same as production's: ACM keeps
                  // them per account and name): the host itself points at production's failover
                  // name, never at this door.
                  customerDnsRecords: frontDoor.customerDnsRecords.apply((records) => records.filter((record) => record.name !== domainName)),
              }
            : {}),
        ...(restored ? { databaseArn: restored.arn } : {}),
        ...(backup ? { backupVaultArn: backup.vaultArn, offsiteBackupVaultArn: backup.offsiteVaultArn, backupRoleArn: backup.roleArn } : {}),
        ...(placement ? { dedicatedHostIds: placement.hosts.map((host) => host.hostId) } : {}),
    };
}

/**
 * The database a restore job created, which this stack does not own (the restore job created it;
 * `npm run dr` names it): an RDS instance, or on physical the database server's EC2 instance.
 */
function restoredDatabase(id: string, profile: DedicatedProfile, provider: aws.Provider): { arn: pulumi.Output<string>; secretArn?: pulumi.Output<string> } {
    // What AWS would refuse, named before any lookup (the same check as production's takeover).
    const problem = restoredDatabaseProblem(id, profile.dedicatedHost ? "ec2" : "rds");
    if (problem !== undefined) {
        throw new pulumi.RunError(problem);
    }
    if (profile.dedicatedHost) {
        return { arn: aws.ec2.getInstanceOutput({ instanceId: id }, { provider }).arn };
    }
    const instance = aws.rds.getInstanceOutput({ dbInstanceIdentifier: id }, { provider });
    return {
        arn: instance.dbInstanceArn,
        secretArn: instance.masterUserSecrets.apply((secrets) => {
            const arn = secrets[0]?.secretArn;
            if (arn === undefined) {
                throw new pulumi.RunError(`the restored database ${id} has no master user secret managed by RDS; restore it from a recovery point of the production database`);
            }
            return arn;
        }),
    };
}

/** The stack program of `<tenant>-recovery` / `<tenant>-drill`: dedicated tenants only. */
export function recoveryProgram(tenant: Tenant, kind: RecoveryKind): Promise<StackOutputs> {
    if (tenant.mode === "saas" || tenant.mode === "dedicated-saas") {
        throw new pulumi.RunError(`tenant ${tenant.id} (${tenant.mode}) has no recovery stack of its own: the platform's recovery (platform-${tenant.region}-recovery) carries it`);
    }
    return recoveryEnvironment(tenant, kind);
}
