// The shared platform stack of one region (`platform-<region>`): the environment saas and
// dedicated-saas tenants run on, and the operations backbone every tenant stack references
// (operations network, audit, detection, alarms). Its outputs (PlatformOutputs) are the contract.

import * as pulumi from "@pulumi/pulumi";

import { AccessLogBucket } from "../components/access-log-bucket";
import { AppServers } from "../components/app-servers";
import { trailArnOf, trailName, cloudTrailKeyStatements } from "../components/audit-trail";
import { AvailabilityCheck } from "../components/availability-check";
import * as aws from "../components/aws";
import { Backup } from "../components/backup";
import { Database } from "../components/database";
import { EncryptionKeys } from "../components/encryption-keys";
import { FilesBucket } from "../components/files-bucket";
import { ServerDataAccess } from "../components/server-data-access";
import { FrontDoor } from "../components/front-door";
import { reservedPrefixFreeName } from "../lib/naming";
import { subnetPlan } from "../lib/network-plan";
import { OperationsVpn } from "../components/operations-vpn";
import { Patching } from "../components/patching";
import { SiteToSiteVpn } from "../components/site-to-site-vpn";
import { TenantNetwork } from "../components/tenant-network";
import { ThreatDetection } from "../components/threat-detection";
import { PlatformOutputs, PlatformReference } from "./context";
import { databaseTakeover, takeoverArgs } from "./dedicated";
import { SHARED_SERVERS_TAG_KEY, stackTags } from "../lib/promises/tags";
import { platformStackName } from "../lib/platform";
import { leftoverConfigProblem, loadPlatformFleet, PlatformFleet, platformSettingsProblem } from "./config/platform-file";
import { platformConfigDir } from "./config/platform-index";
import { repoRoot } from "./config/project";
import { PlatformSettings, TENANT_SPACE } from "./config/platform-settings";
import { operationsCidrsOf } from "../lib/platform";
import { alertSubscriptions } from "./alert-subscriptions";
import { platformAuditTrail } from "./platform-audit";
import { regionalControls } from "./regional-controls";
import { operationsTopicPolicy, publishingServicesKeyStatements, tenantAppDocument } from "./platform-documents";
import { restoreRole } from "./restore-role";
import { resolveServerImage } from "./server-image";

export type PlatformStackOutputs = { [K in keyof PlatformOutputs]: pulumi.Input<PlatformOutputs[K]> } & {
    /** Operations staff's VPN client configuration: the endpoint and the client certificate. */
    readonly operationsVpnEndpoint: pulumi.Input<string>;
    readonly operationsVpnCaCertificate: pulumi.Input<string>;
    readonly operationsVpnClientCertificate: pulumi.Input<string>;
    /** Secret. */
    readonly operationsVpnClientKey: pulumi.Input<string>;
    readonly offsiteLinkTunnels: pulumi.Input<unknown>;
    /** Secret. */
    readonly offsiteLinkPresharedKeys: pulumi.Input<string[]>;
    /** What `npm run dr` reads (scripts/lib/dr/outputs.ts ProductionOutputs; restoreRoleArn and restoreTarget for failback). */
    readonly url: pulumi.Input<string>;
    readonly loadBalancerArn: pulumi.Input<string>;
    readonly serverImage: string;
    readonly offsiteBackupVaultArn: pulumi.Input<string>;
    readonly databaseArn: pulumi.Input<string>;
    readonly filesBucketArn: pulumi.Input<string>;
    readonly restoreRoleArn: pulumi.Input<string>;
    readonly restoreTarget: pulumi.Input<unknown>;
    /** The data key: failback's restored database is re-encrypted with it before production takes it over. */
    readonly dataKeyArn: pulumi.Input<string>;
};

export { operationsTopicPolicy, publishingServicesKeyStatements, tenantAppDocument } from "./platform-documents";

/** The shared app's host name: `app.<baseDomain>` in the home region, `app.<region>.<baseDomain>` elsewhere (one zone holds them all). */
export function appHostNameOf(region: string, settings: Pick<PlatformSettings, "baseDomain" | "homeRegion">): string {
    return region === settings.homeRegion ? `app.${settings.baseDomain}` : `app.${region}.${settings.baseDomain}`;
}

/** The settings of one region's platform, or a RunError saying what to add or fix, before any resource is registered. */
export function platformSettingsFor(region: string, fleet: PlatformFleet): PlatformSettings {
    const problem = platformSettingsProblem(region, fleet);
    if (problem !== undefined) {
        throw new pulumi.RunError(problem);
    }
    return fleet.settings.get(region)!;
}

/**
 * The platform of one region. The home platform (`homeRegion`) owns what the account has once:
 * the multi-region trail (unless an organisation trail records the account) and the public zone
 * of the base domain. Every other region's platform reads them from `platform-<homeRegion>`,
 * which is deployed first, and checks that it names the same home region.
 *
 * Async: a non-home platform reads the home stack's `homeRegion` before it registers anything.
 *
 * `settings`: the region's platform settings. Default: read from platform-configs/<region>.yaml,
 * validated with the other regions' files (a missing or invalid file fails the update first).
 */
export async function platform(region: string, settings?: PlatformSettings): Promise<PlatformStackOutputs> {
    const config = new pulumi.Config();
    const leftover = leftoverConfigProblem((key) => config.get(key) !== undefined, region);
    if (leftover) {
        throw new pulumi.RunError(leftover);
    }
    settings ??= platformSettingsFor(region, loadPlatformFleet(platformConfigDir(), repoRoot()));
    const name = `platform-${region}`;
    const isHome = region === settings.homeRegion;
    const home = isHome ? undefined : new PlatformReference(settings.homeRegion, config, "homePlatformStack");
    if (home) {
        const homeSays = await home.value("homeRegion");
        if (homeSays !== settings.homeRegion) {
            throw new pulumi.RunError(
                `platform setting homeRegion: this stack says ${settings.homeRegion}, but ${platformStackName(settings.homeRegion)} says ${homeSays}; ` +
                    "every platform file must hold the same homeRegion (platform-configs/<region>.yaml), and the home platform be deployed with it first",
            );
        }
    }
    // The trail this platform owns: only the home platform's, and only without an organisation trail.
    const ownsTrail = isHome && settings.organizationTrailArn === undefined;
    const tags = stackTags(name, "platform", "production");
    const provider = new aws.Provider(`${name}-aws`, { region: region as aws.Region, defaultTags: { tags } });
    const opts = { provider };
    const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
    const operationsCidrs = operationsCidrsOf(settings);
    const auditName = `${name}-audit`;

    // Operations staff assume this role (MFA required) for administration across tenants; tenant
    // keys name it as a user.
    const operationsRole = new aws.iam.Role(
        `${name}-operations`,
        {
            name: `${name}-operations`,
            description: `Operations staff of the platform in ${region}`,
            assumeRolePolicy: accountId.apply((id) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${id}:root` },
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
        {
            aliasPrefix: `platform/${region}`,
            owner: `the platform in ${region}`,
            userArns: [operationsRole.arn],
            viaServices: ["ec2", "rds", "s3", "backup", "secretsmanager", "sns", "cloudwatch"],
            extraStatements: (account) => [
                ...(ownsTrail ? cloudTrailKeyStatements({ accountId: account.accountId, trailArn: trailArnOf(region, account.accountId, trailName(auditName)) }) : []),
                ...publishingServicesKeyStatements(account.accountId),
            ],
        },
        opts,
    );

    // Operations are warned here: blocked-port attempts, failed availability checks, backup
    // failures, GuardDuty findings, from this stack and every tenant stack of the region.
    const operationsTopic = new aws.sns.Topic(`${name}-operations-topic`, { name: `${name}-operations`, kmsMasterKeyId: keys.dataKey.arn }, opts);
    // The people paged (stacks/alert-subscriptions.ts).
    alertSubscriptions(name, operationsTopic.arn, settings.alertEmails, opts);

    // The operations network. Tenants' attachments associate with the "tenants" table, which
    // only knows the platform, and propagate into the "operations" table: the platform reaches
    // every tenant, no tenant reaches another.
    const transitGateway = new aws.ec2transitgateway.TransitGateway(
        `${name}-operations-tgw`,
        {
            description: `Operations network of the platform in ${region}`,
            amazonSideAsn: 64512,
            autoAcceptSharedAttachments: "disable",
            defaultRouteTableAssociation: "disable",
            defaultRouteTablePropagation: "disable",
            dnsSupport: "enable",
            vpnEcmpSupport: "enable",
        },
        opts,
    );
    const tenantsRouteTable = new aws.ec2transitgateway.RouteTable(`${name}-tgw-tenants`, { transitGatewayId: transitGateway.id, tags: { Name: `${name}-tgw-tenants` } }, opts);
    const operationsRouteTable = new aws.ec2transitgateway.RouteTable(`${name}-tgw-operations`, { transitGatewayId: transitGateway.id, tags: { Name: `${name}-tgw-operations` } }, opts);

    // One public zone per base domain, the home platform's: only one zone can be delegated, so
    // certificates validated in a second one would wait and fail. The others add their records to it.
    const zoneId: pulumi.Output<string> = home
        ? home.output("publicZoneId")
        : new aws.route53.Zone(`${name}-zone`, { name: settings.baseDomain, comment: `Public zone of ${settings.baseDomain}`, forceDestroy: false }, { ...opts, retainOnDelete: true })
              .zoneId;

    const network = new TenantNetwork(
        `${name}-network`,
        {
            cidr: settings.networkCidr,
            availabilityZones: aws.getAvailabilityZonesOutput({ state: "available" }, opts).names,
            publicAccess: true,
            transitGatewayId: transitGateway.id,
            transitGatewayRouteTables: { associateWith: operationsRouteTable.id, propagateTo: tenantsRouteTable.id },
            operationsCidrs,
            adminRouteCidrs: [...TENANT_SPACE],
            suspiciousNetworks: [...settings.suspiciousNetworks],
            flowLogKeyArn: keys.dataKeyArn,
            alarmTopicArn: operationsTopic.arn,
        },
        opts,
    );

    // The region's request log: the shared door's access logs and the audit bucket's server access logs.
    const accessLogs = new AccessLogBucket(`${name}-access-logs`, {}, opts);

    const appHostName = appHostNameOf(region, settings);
    const frontDoor = new FrontDoor(
        `${name}-front-door`,
        {
            vpcId: network.vpcId,
            vpcCidr: settings.networkCidr,
            subnetIds: network.subnetIds.access,
            internal: false,
            domainName: appHostName,
            zoneId,
            platformZone: { zoneId, domain: settings.baseDomain },
            suspiciousNetworks: [...settings.suspiciousNetworks],
            accessLogBucket: accessLogs.bucketName,
            logKeyArn: keys.dataKeyArn,
        },
        opts,
    );

    // What every dedicated-saas tenant's own load balancer carries beside its own group: the
    // servers admit this one group on the app port, however many tenants (no rule per tenant).
    // No rules of its own: it grants nothing, it only names its members.
    const tenantFrontDoors = new aws.ec2.SecurityGroup(
        `${name}-tenant-front-doors`,
        {
            name: reservedPrefixFreeName("securityGroup", `${name}-tenant-front-doors`),
            vpcId: network.vpcId,
            description: "Own load balancers of the tenants in front of the shared servers (dedicated-saas); the servers admit it on the app port",
            tags: { Name: `${name}-tenant-front-doors` },
        },
        opts,
    );

    // The release pinned for this region (stacks/config/server-images.json): changed only by a pull request.
    const serverImage = resolveServerImage(region, settings.appServerType, opts);
    const servers = new AppServers(
        `${name}-servers`,
        {
            vpcId: network.vpcId,
            vpcCidr: settings.networkCidr,
            accessSubnetIds: network.subnetIds.access,
            adminSubnetIds: network.subnetIds.admin,
            availabilityZones: network.availabilityZones,
            count: settings.appServerCount,
            instanceType: settings.appServerType,
            imageId: serverImage.id,
            imageName: serverImage.name,
            dataVolumeGiB: 200,
            kmsKeyArn: keys.dataKeyArn,
            loadBalancerSecurityGroupId: frontDoor.securityGroupId,
            tenantLoadBalancersSecurityGroupId: tenantFrontDoors.id,
            operationsPrefixListId: network.operationsPrefixListId,
            s3PrefixListId: network.s3PrefixListId,
            patchGroup: name,
            targetGroupArn: frontDoor.targetGroupArn,
        },
        opts,
    );

    const database = new Database(
        `${name}-database`,
        {
            vpcId: network.vpcId,
            subnetIds: network.subnetIds.data,
            instanceClass: settings.databaseClass,
            storageGiB: settings.databaseStorageGiB,
            kmsKeyArn: keys.dataKeyArn,
            clientSecurityGroupIds: [servers.accessSecurityGroupId],
            multiAz: true,
            // After a failback: the restored shared database (stack config restoredDatabase).
            ...takeoverArgs(databaseTakeover(config, "rds")),
        },
        opts,
    );
    const files = new FilesBucket(`${name}-files`, { kmsKeyArn: keys.dataKeyArn }, opts);
    // The shared servers run every saas tenant (each a prefix of this bucket, a database inside
    // this one): the whole shared bucket and the shared database's secret. dedicated-saas tenants'
    // own bucket and secret are granted by the tenant's stack, in their resource policies.
    new ServerDataAccess(
        `${name}-servers-data`,
        { roleName: servers.roleName, bucketArn: files.bucketArn, secretArns: [database.masterUserSecretArn], kmsKeyArn: keys.dataKeyArn },
        opts,
    );

    // AWS Backup's per-service opt-in is an account setting of this region; the platform owns it
    // (only the services backed up here are named: the others keep whatever the account has).
    new aws.backup.RegionSettings(
        `${name}-backup-services`,
        { resourceTypeOptInPreference: { RDS: true, S3: true, EC2: true, EBS: true } },
        opts,
    );
    const offsiteProvider = new aws.Provider(`${name}-aws-offsite`, { region: settings.offsiteRegion as aws.Region, defaultTags: { tags } });
    const backup = new Backup(
        `${name}-backup`,
        {
            backupKeyArn: keys.backupKeyArn,
            offsiteRegion: settings.offsiteRegion,
            offsiteProvider,
            // After a takeover, the former instance too while it is kept (its data is the incident's evidence).
            databaseArns: [database.instanceArn, ...(database instanceof Database && database.formerInstanceArn ? [database.formerInstanceArn] : [])],
            filesBucketArn: files.bucketArn,
            instanceArns: servers.instanceArns,
            notificationTopicArn: operationsTopic.arn,
        },
        opts,
    );

    // The IPSec link to the off-site backup provider, from the administration tier.
    const offsiteLink = new SiteToSiteVpn(
        `${name}-offsite-link`,
        {
            vpcId: network.vpcId,
            customerGatewayIp: settings.offsiteGatewayIp,
            bgpAsn: undefined,
            corporateCidrs: [...settings.offsiteNetworks],
            propagateToRouteTableIds: [network.routeTableIds.admin],
        },
        opts,
    );

    // Operations staff come in through the Client VPN, into the admin tier, and on to the tenants'
    // admin tiers through the Transit Gateway.
    const operationsVpn = new OperationsVpn(
        `${name}-operations-vpn`,
        {
            vpcId: network.vpcId,
            subnetIds: network.subnetIds.admin,
            authorizedCidrs: [...subnetPlan(settings.networkCidr).admin],
            routedCidrs: [...TENANT_SPACE],
            clientCidrBlock: settings.clientVpnCidr,
            serverName: `vpn.ops.${settings.baseDomain}`,
            logKeyArn: keys.dataKeyArn,
        },
        opts,
    );

    const auditTrailArn = platformAuditTrail(name, { ownsTrail, home, organizationTrailArn: settings.organizationTrailArn, auditName, kmsKeyArn: keys.dataKeyArn, accessLogs }, opts);
    const detection = new ThreatDetection(`${name}-detection`, { alarmTopicArn: operationsTopic.arn, detectorId: settings.guardDutyDetectorId }, opts);
    // The production platform owns its region's singletons (lib/guardduty-owner.ts).
    const controls = regionalControls(
        name,
        { topicArn: operationsTopic.arn, accountId, deployRoleName: settings.deployRoleName, kmsKeyArn: keys.dataKeyArn, recordsGlobalTypes: isHome, accessLogBucket: accessLogs.bucketName },
        opts,
    );
    new aws.sns.TopicPolicy(
        `${name}-operations-topic-policy`,
        {
            arn: operationsTopic.arn,
            policy: pulumi
                .all([operationsTopic.arn, accountId, detection.ruleArn, controls.ruleArns])
                .apply(([topicArn, id, findingsRuleArn, networkRuleArns]) => operationsTopicPolicy({ topicArn, accountId: id, eventRuleArns: [findingsRuleArn, ...networkRuleArns] })),
        },
        opts,
    );

    new Patching(`${name}-patching`, { patchGroup: name }, opts);
    new AvailabilityCheck(
        `${name}-check`,
        { url: `https://${appHostName}`, alarmTopicArn: operationsTopic.arn, kmsKeyArn: keys.dataKeyArn, runtimeVersion: settings.canaryRuntime },
        opts,
    );

    const appDocument = new aws.ssm.Document(
        `${name}-tenant-app`,
        { name: `${name}-tenant-app`, documentType: "Command", documentFormat: "JSON", content: tenantAppDocument() },
        opts,
    );

    return {
        region,
        homeRegion: settings.homeRegion,
        auditTrailArn,
        guardDutyDetectorId: detection.detectorId,
        baseDomain: settings.baseDomain,
        appUrl: `https://${appHostName}`,
        operationsTopicArn: operationsTopic.arn,
        alertEmails: [...settings.alertEmails],
        operationsRoleArn: operationsRole.arn,
        operationsCidrs,
        suspiciousNetworks: [...settings.suspiciousNetworks],
        transitGatewayId: transitGateway.id,
        transitGatewayRouteTables: pulumi.all([tenantsRouteTable.id, operationsRouteTable.id]).apply(([tenants, operations]) => ({ tenants, operations })),
        publicZoneId: zoneId,
        vpcId: network.vpcId,
        vpcCidr: settings.networkCidr,
        dataSubnetIds: pulumi.all(network.subnetIds.data),
        accessSubnetIds: pulumi.all(network.subnetIds.access),
        tenantFrontDoorSecurityGroupId: tenantFrontDoors.id,
        appServersSecurityGroupId: servers.accessSecurityGroupId,
        appServersRoleArn: servers.roleArn,
        appServerInstanceIds: pulumi.all(servers.instanceIds),
        appServersTag: { key: SHARED_SERVERS_TAG_KEY, value: name },
        httpsListenerArn: frontDoor.httpsListenerArn,
        loadBalancerDnsName: frontDoor.dnsName,
        loadBalancerZoneId: frontDoor.zoneIdOfLoadBalancer,
        sharedDatabaseAddress: database.address,
        sharedFilesBucket: files.bucketName,
        tenantAppDocument: appDocument.name,
        canaryRuntime: settings.canaryRuntime,
        operationsVpnEndpoint: operationsVpn.dnsName,
        operationsVpnCaCertificate: operationsVpn.caCertificatePem,
        operationsVpnClientCertificate: operationsVpn.clientCertificatePem,
        operationsVpnClientKey: operationsVpn.clientPrivateKeyPem,
        offsiteLinkTunnels: offsiteLink.tunnels,
        offsiteLinkPresharedKeys: offsiteLink.presharedKeys,
        url: `https://${appHostName}`,
        loadBalancerArn: frontDoor.loadBalancerArn,
        serverImage: serverImage.name,
        offsiteBackupVaultArn: backup.offsiteVaultArn,
        offsiteRegion: settings.offsiteRegion,
        databaseArn: database.instanceArn,
        ...(database.formerInstanceArn ? { formerDatabaseArn: database.formerInstanceArn } : {}),
        filesBucketArn: files.bucketArn,
        // failback re-encrypts a restored database with it (scripts/lib/dr/reencrypt.ts)
        dataKeyArn: keys.dataKeyArn,
        restoreRoleArn: restoreRole(name, opts).arn,
        restoreTarget: pulumi
            .all([database.subnetGroupName, database.securityGroupId, files.bucketName, network.availabilityZones[0]!])
            .apply(([dbSubnetGroupName, groupId, filesBucketName, availabilityZone]) => ({ dbSubnetGroupName, securityGroupIds: [groupId], filesBucketName, availabilityZone })),
    };
}
