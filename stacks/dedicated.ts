// The dedicated-cloud tenant: its own network, dual-NIC servers behind a front door, a database,
// files and backups, monitoring and patching; optionally a site-to-site VPN and directory sync.
// `cloud`, `vpn`, `vpn-sync` and `physical` are this one composition with different data
// (`DedicatedProfile`): which exposure, which identity, which tunnels, which hardware.

import * as pulumi from "@pulumi/pulumi";

import { AccessLogBucket } from "../components/access-log-bucket";
import { AppServers } from "../components/app-servers";
import { AvailabilityCheck } from "../components/availability-check";
import * as aws from "../components/aws";
import { Backup } from "../components/backup";
import { Database } from "../components/database";
import { DatabaseServer } from "../components/database-server";
import { DedicatedHost, hostInstanceType, instanceFamilyOf } from "../components/dedicated-host";
import { DirectorySync } from "../components/directory-sync";
import { FilesBucket } from "../components/files-bucket";
import { FrontDoor } from "../components/front-door";
import { Patching } from "../components/patching";
import { ServerDataAccess } from "../components/server-data-access";
import { SiteToSiteVpn } from "../components/site-to-site-vpn";
import { TenantNetwork } from "../components/tenant-network";
import { alarmFailoverHealthCheck } from "../components/failover-dns";
import { edgeHostName } from "../lib/hosts";
import { isPacking, packOnHosts } from "./config/dedicated-hosts";
import { DatabaseTakeover, databaseTakeoverOf, RestoredDatabaseKind, restoredDataVolumeOf } from "./config/stack-config";
import { CloudTenant, DirectorySettings, PhysicalTenant, SiteToSiteVpnSettings, VpnSyncTenant, VpnTenant } from "./config/tenant";
import { offsiteProvider, StackOutputs, TenantContext, tenantContext } from "./context";
import { dataOutputs, foundationOutputs, tenantFoundation } from "./foundation";
import { resolveServerImage } from "./server-image";

export type DedicatedCloudTenant = CloudTenant | VpnTenant | VpnSyncTenant | PhysicalTenant;

/** What distinguishes the dedicated-cloud modes from each other: data, not code paths. */
export interface DedicatedProfile {
    /**
     * Internet-facing front door with a web firewall (true), or an internal one reachable only
     * through the site-to-site VPN (false, which then requires `vpn`).
     */
    readonly publicAccess: boolean;
    /** How users sign in: the app's own accounts, or the customer's directory (requires `directory`). */
    readonly identityProvider: "app" | "directory";
    /** The customer's IPSec VPN. Default: none. */
    readonly vpn?: SiteToSiteVpnSettings;
    /** The customer's directory, reached across the VPN. Default: none. */
    readonly directory?: DirectorySettings;
    /**
     * Hardware of the tenant's own: every server, the database included, on an EC2 Dedicated Host
     * (in one zone) that nobody else's instance can land on. The database then runs on the host
     * (RDS cannot). Default: false, shared hardware, two zones, RDS.
     */
    readonly dedicatedHost?: boolean;
}

/**
 * The Dedicated Hosts of a physical tenant (named after `prefix`, default the tenant id) and the host of each server: the database server and
 * the application servers packed onto as few hosts of the servers' family as fit
 * (stacks/config/dedicated-hosts.ts). The first host keeps the name a one-host stack always had.
 */
export function dedicatedHosts(
    ctx: TenantContext,
    tenant: DedicatedCloudTenant,
    availabilityZone: pulumi.Input<string>,
    prefix: string = tenant.id,
): { hosts: DedicatedHost[]; databaseHost: DedicatedHost; serverHosts: DedicatedHost[]; databaseType: string } {
    const family = instanceFamilyOf(tenant.compute.instanceType);
    // The database class names the size; the host decides the family.
    const databaseType = hostInstanceType(family, tenant.database.instanceClass);
    const packing = packOnHosts(family, [databaseType, ...Array.from({ length: tenant.compute.instances }, () => tenant.compute.instanceType)]);
    if (!isPacking(packing)) {
        // The validator refuses these files first (sizing-rules.ts); a stack never guesses.
        throw new Error(`tenant ${tenant.id}: the servers do not fit Dedicated Hosts of ${family}: ${packing.message}`);
    }
    const hosts = Array.from(
        { length: packing.hostCount },
        (_, i) => new DedicatedHost(i === 0 ? `${prefix}-host` : `${prefix}-host-${i}`, { availabilityZone, instanceFamily: family }, ctx.opts),
    );
    const hostOf = packing.hostOf.map((index) => hosts[index]!);
    return { hosts, databaseHost: hostOf[0]!, serverHosts: hostOf.slice(1), databaseType };
}

export const DIRECTORY_PHASES = {
    one: "phase one: VPN only, waiting for the customer's link (set identity.connect: true in the tenant file once the tunnels are up)",
    two: "phase two: directory connected",
} as const;

/**
 * The tenant file's `identity.connect` gates phase two of vpn-sync: an AD Connector can only be
 * created once the tunnels are up and the customer's DNS answers, and fails with opaque errors
 * otherwise. It lives in the file, reviewed like every change, so every machine (CI's rollout
 * included) plans the same phase; false removes the connector.
 */
export function directoryPhase(directory: Pick<DirectorySettings, "connect">): keyof typeof DIRECTORY_PHASES {
    return directory.connect ? "two" : "one";
}

/**
 * The host name users open: a name under the platform's base domain, or the customer's own. A known
 * string: its length decides the shape of its certificate (DomainCertificate).
 */
export function hostName(tenant: DedicatedCloudTenant, baseDomain: string): string {
    return tenant.domain.kind === "own" ? tenant.domain.fqdn : `${tenant.domain.label}.${baseDomain}`;
}

/**
 * What a VPN customer configures on its device in advance for a disaster recovery (the `vpnFailover`
 * output of production and of the recovery stack): the recovery environment's tunnels beside
 * production's, and how traffic moves to them once the platform redirects the host name. The
 * recovery network has production's address range, so the customer's routes name the same
 * network; no secret in it (the pre-shared keys are the stacks' secret outputs).
 */
export function vpnFailoverNote(args: { readonly tenant: DedicatedCloudTenant; readonly failoverName: string; readonly role: "production" | "recovery" }): string {
    const { tenant } = args;
    const recovery = `${tenant.id}-recovery`;
    const routing =
        tenant.mode === "vpn" || tenant.mode === "vpn-sync"
            ? tenant.vpn.bgpAsn !== undefined
                ? `BGP: the recovery tunnels advertise the same network ${tenant.networkCidr}; give their routes a lower preference than production's ` +
                  "(e.g. a lower local preference or a prepended AS path) so traffic follows production while production's routes are announced, " +
                  "and the recovery when they are withdrawn: the routes follow, nothing to switch."
                : `Static routing: keep a route to ${tenant.networkCidr} over the recovery tunnels ready (a worse metric than production's); ` +
                  "when the platform announces the redirect, switch the route to the recovery tunnels (a production region that still answers keeps its tunnels up, " +
                  "so do not rely on a floating route alone)."
            : "";
    const where =
        args.role === "production"
            ? `the recovery environment (stack ${recovery}, region ${tenant.offsiteRegion}): configure its tunnels (its outputs vpnTunnels and vpnPresharedKeys) on your device now, beside these`
            : `this recovery environment (region ${tenant.offsiteRegion}): configure these tunnels (vpnTunnels, vpnPresharedKeys) on your device in advance, beside production's (stack ${tenant.id}, region ${tenant.region})`;
    return (
        `Disaster recovery: ${args.failoverName} is redirected by the platform (DNS failover) to ${where}. ${routing} ` +
        `Users keep opening the same name; your DNS changes nothing.`
    );
}

/**
 * A production stack's takeover of the database a failback restored (stack config
 * `restoredDatabase`, `releaseFormerDatabase`), checked; undefined without one. Physical: production
 * keeps its own database server on its Dedicated Host (a second server may not fit on the host) and
 * takes over only the restored data, as a data volume (`restoredDataVolume`, `dataVolumeTakeover`),
 * so an instance id here changes nothing and says so in a warning: not an error, because the same
 * key names the recovery stack's restored server when a plan sets it for a target's production and
 * recovery together.
 */
export function databaseTakeover(config: pulumi.Config, kind: RestoredDatabaseKind): DatabaseTakeover | undefined {
    const takeover = databaseTakeoverOf((key) => config.get(key), kind);
    if (takeover !== undefined && "problems" in takeover) {
        throw new pulumi.RunError(takeover.problems.join("; "));
    }
    if (takeover !== undefined && kind === "ec2") {
        pulumi.log.warn(
            `stack config restoredDatabase: ${takeover.restored} is a restored database server; production keeps its own database server and takes over only the restored data volume (stack config restoredDatabase is ignored here: set restoredDataVolume to the volume npm run dr -- failback prints)`,
        );
        return undefined;
    }
    return takeover;
}

/**
 * Physical production's takeover of a failback's restored data volume (stack config
 * `restoredDataVolume`), checked; undefined without one. Through the program, not beside it: the
 * data volume and its attachment are this stack's resources, so a swap made outside it would be
 * drift that the next refresh and update undo (the attachment of the former volume recreated).
 */
export function dataVolumeTakeover(config: pulumi.Config, physical: boolean): string | undefined {
    const takeover = restoredDataVolumeOf((key) => config.get(key), physical);
    if (takeover !== undefined && "problem" in takeover) {
        throw new pulumi.RunError(takeover.problem);
    }
    return takeover?.volumeId;
}

/** The Database args of a takeover (none without one). */
export function takeoverArgs(takeover: DatabaseTakeover | undefined): { takeover?: { identifier: string; releaseFormer: boolean } } {
    return takeover ? { takeover: { identifier: takeover.restored, releaseFormer: takeover.releaseFormer } } : {};
}

/**
 * The site-to-site VPN to the customer's device (VPN modes; undefined otherwise), routed into the
 * access tier: production's and the recovery environment's, which the customer configures in advance.
 */
export function customerVpn(name: string, profile: DedicatedProfile, network: Pick<TenantNetwork, "vpcId" | "routeTableIds">, opts: pulumi.ComponentResourceOptions): SiteToSiteVpn | undefined {
    return profile.vpn
        ? new SiteToSiteVpn(
              `${name}-vpn`,
              {
                  vpcId: network.vpcId,
                  customerGatewayIp: profile.vpn.customerGatewayIp,
                  bgpAsn: profile.vpn.bgpAsn,
                  corporateCidrs: [...profile.vpn.corporateCidrs],
                  propagateToRouteTableIds: [network.routeTableIds.access],
              },
              opts,
          )
        : undefined;
}

/** Inconsistent profiles are defects of a mode program, caught before anything is registered. */
function checkProfile(profile: DedicatedProfile): void {
    if (!profile.publicAccess && profile.vpn === undefined) {
        throw new Error("a dedicated cloud without public access needs a site-to-site VPN: nobody could reach it");
    }
    if ((profile.identityProvider === "directory") !== (profile.directory !== undefined)) {
        throw new Error("identityProvider 'directory' and a directory link go together");
    }
    if (profile.directory !== undefined && profile.vpn === undefined) {
        throw new Error("the directory link runs across the site-to-site VPN: it needs one");
    }
}

/**
 * Async: the platform's base domain is read as a value (deployed before its tenants, so known at
 * preview as at update), because the host name's length shapes its certificate.
 */
export async function dedicatedCloud(tenant: DedicatedCloudTenant, profile: DedicatedProfile): Promise<StackOutputs> {
    checkProfile(profile);
    const ctx = tenantContext(tenant);
    const { platform, opts } = ctx;
    const baseDomain = await platform.value("baseDomain");
    const foundation = tenantFoundation(ctx, {
        dedicatedKeys: true,
        identityProvider: profile.identityProvider,
        keyUserArns: [platform.output("operationsRoleArn")],
    });
    const keys = foundation.keys!;
    const suspiciousNetworks = platform.output("suspiciousNetworks");
    const alarmTopicArn = platform.output("operationsTopicArn");

    const network = new TenantNetwork(
        `${tenant.id}-network`,
        {
            cidr: tenant.networkCidr,
            availabilityZones: aws.getAvailabilityZonesOutput({ state: "available" }, { provider: ctx.provider }).names,
            publicAccess: profile.publicAccess,
            transitGatewayId: platform.output("transitGatewayId"),
            transitGatewayRouteTables: {
                associateWith: platform.output("transitGatewayRouteTables").apply((tables) => tables.tenants),
                propagateTo: platform.output("transitGatewayRouteTables").apply((tables) => tables.operations),
            },
            operationsCidrs: platform.output("operationsCidrs"),
            suspiciousNetworks,
            trustedCidrs: profile.vpn ? [...profile.vpn.corporateCidrs] : [],
            flowLogKeyArn: keys.dataKeyArn,
            alarmTopicArn,
        },
        opts,
    );

    // Over the VPN, HTTPS comes from the customer's networks, plus the availability check, which
    // runs inside the access tier.
    const accessTierCidrs = network.subnetCidrs.access;
    const check = new AvailabilityCheck(
        `${tenant.id}-check`,
        {
            url: foundation.url,
            alarmTopicArn,
            kmsKeyArn: keys.dataKeyArn,
            runtimeVersion: platform.output("canaryRuntime"),
            vpc: profile.publicAccess
                ? undefined
                : { vpcId: network.vpcId, cidr: tenant.networkCidr, subnetIds: network.subnetIds.access, s3PrefixListId: network.s3PrefixListId },
        },
        opts,
    );
    // DNS failover of an internal door (VPN modes), which Route 53's checkers on the internet cannot
    // reach: its PRIMARY records follow the availability check's alarm (the canary inside the VPC).
    // A public door checks itself over HTTPS (FrontDoor).
    const failoverName = tenant.domain.kind === "own" ? edgeHostName(tenant.id, baseDomain) : hostName(tenant, baseDomain);
    const internalHealthCheck = profile.publicAccess
        ? undefined
        : alarmFailoverHealthCheck(`${tenant.id}-failover`, { alarmName: check.alarmName, alarmRegion: tenant.region, hostName: failoverName }, opts);
    const accessLogs = new AccessLogBucket(`${tenant.id}-access-logs`, {}, opts);
    const frontDoor = new FrontDoor(
        `${tenant.id}-front-door`,
        {
            vpcId: network.vpcId,
            vpcCidr: tenant.networkCidr,
            subnetIds: network.subnetIds.access,
            internal: !profile.publicAccess,
            allowedCidrs: profile.publicAccess ? undefined : [...(profile.vpn?.corporateCidrs ?? []), ...accessTierCidrs],
            domainName: hostName(tenant, baseDomain),
            zoneId: tenant.domain.kind === "subdomain" ? platform.output("publicZoneId") : undefined,
            platformZone: { zoneId: platform.output("publicZoneId"), domain: baseDomain },
            // DNS failover: the customer's own domain points at the platform's edge name, which the
            // recovery environment can take over (an internal door's decided by its alarm, above).
            edgeName: tenant.domain.kind === "own" ? failoverName : undefined,
            failoverHealthCheckId: internalHealthCheck?.id,
            suspiciousNetworks,
            offboardingFinalBackup: ctx.offboardingFinalBackup,
            accessLogBucket: accessLogs.bucketName,
            logKeyArn: keys.dataKeyArn,
        },
        opts,
    );

    // The release pinned for the region and the servers' architecture (stacks/config/server-images.json;
    // on physical, the database server's family is theirs).
    const image = resolveServerImage(tenant.region, tenant.compute.instanceType, { provider: ctx.provider });
    const imageId = image.id;
    // The dedicated hosts live in one zone: then every server is placed there.
    const zoneCount = profile.dedicatedHost ? 1 : 2;
    const inZones = <T>(list: readonly T[]): T[] => list.slice(0, zoneCount);
    const placement = profile.dedicatedHost ? dedicatedHosts(ctx, tenant, network.availabilityZones[0]!) : undefined;
    const takeover = databaseTakeover(ctx.config, placement ? "ec2" : "rds");
    const restoredDataVolumeId = dataVolumeTakeover(ctx.config, placement !== undefined);

    const servers = new AppServers(
        `${tenant.id}-servers`,
        {
            vpcId: network.vpcId,
            vpcCidr: tenant.networkCidr,
            accessSubnetIds: inZones(network.subnetIds.access),
            adminSubnetIds: inZones(network.subnetIds.admin),
            availabilityZones: inZones(network.availabilityZones),
            count: tenant.compute.instances,
            instanceType: tenant.compute.instanceType,
            imageId,
            imageName: image.name,
            dataVolumeGiB: tenant.compute.volumeGiB,
            kmsKeyArn: keys.dataKeyArn,
            loadBalancerSecurityGroupId: frontDoor.securityGroupId,
            operationsPrefixListId: network.operationsPrefixListId,
            s3PrefixListId: network.s3PrefixListId,
            patchGroup: tenant.id,
            targetGroupArn: frontDoor.targetGroupArn,
            hostIds: placement?.serverHosts.map((host) => host.hostId),
        },
        opts,
    );

    const database = placement
        ? new DatabaseServer(
              `${tenant.id}-database`,
              {
                  vpcId: network.vpcId,
                  vpcCidr: tenant.networkCidr,
                  dataSubnetId: network.subnetIds.data[0]!,
                  adminSubnetId: network.subnetIds.admin[0]!,
                  availabilityZone: placement.databaseHost.availabilityZone,
                  hostId: placement.databaseHost.hostId,
                  instanceType: placement.databaseType,
                  imageId,
                  imageName: image.name,
                  storageGiB: tenant.database.storageGiB,
                  kmsKeyArn: keys.dataKeyArn,
                  clientSecurityGroupIds: [servers.accessSecurityGroupId],
                  operationsPrefixListId: network.operationsPrefixListId,
                  s3PrefixListId: network.s3PrefixListId,
                  patchGroup: tenant.id,
                  ...(restoredDataVolumeId !== undefined ? { restoredDataVolumeId } : {}),
              },
              opts,
          )
        : new Database(
              `${tenant.id}-database`,
              {
                  vpcId: network.vpcId,
                  subnetIds: network.subnetIds.data,
                  instanceClass: tenant.database.instanceClass,
                  storageGiB: tenant.database.storageGiB,
                  kmsKeyArn: keys.dataKeyArn,
                  clientSecurityGroupIds: [servers.accessSecurityGroupId],
                  multiAz: tenant.environment === "production",
                  offboardingFinalBackup: ctx.offboardingFinalBackup,
                  ...takeoverArgs(takeover),
              },
              opts,
          );

    const files = new FilesBucket(`${tenant.id}-files`, { kmsKeyArn: keys.dataKeyArn }, opts);
    // The servers reach exactly the tenant's bucket, its database secret and its key (through S3
    // and Secrets Manager): the instance role has nothing else but SSM's.
    new ServerDataAccess(
        `${tenant.id}-servers-data`,
        { roleName: servers.roleName, bucketArn: files.bucketArn, secretArns: [database.masterUserSecretArn], kmsKeyArn: keys.dataKeyArn },
        opts,
    );

    // Off-site copies live in another region: their own provider, with the same tags.
    const backup = new Backup(
        `${tenant.id}-backup`,
        {
            backupKeyArn: keys.backupKeyArn,
            offsiteRegion: tenant.offsiteRegion,
            offsiteProvider: offsiteProvider(ctx),
            // After a takeover, the former instance too while it is kept (its data is the incident's evidence).
            databaseArns: [database.instanceArn, ...(database instanceof Database && database.formerInstanceArn ? [database.formerInstanceArn] : [])],
            filesBucketArn: files.bucketArn,
            instanceArns: servers.instanceArns,
            notificationTopicArn: alarmTopicArn,
        },
        opts,
    );

    // Users reach the app through the access tier; the admin tier keeps routing only to operations.
    const vpn = customerVpn(tenant.id, profile, network, opts);

    const phase = profile.directory ? directoryPhase(profile.directory) : undefined;
    const directory =
        profile.directory && vpn && phase === "two"
            ? new DirectorySync(
                  `${tenant.id}-directory`,
                  {
                      directoryName: profile.directory.directoryName,
                      dnsIps: [...profile.directory.dnsIps],
                      serviceAccount: profile.directory.serviceAccount,
                      password: ctx.config.requireSecret("directoryPassword"),
                      vpcId: network.vpcId,
                      availabilityZones: network.availabilityZones,
                      subnetCidrs: network.directoryCidrs,
                      vpnGatewayId: vpn.vpnGatewayId,
                  },
                  { ...opts, dependsOn: [vpn] },
              )
            : undefined;

    new Patching(`${tenant.id}-patching`, { patchGroup: tenant.id }, opts);

    return {
        ...foundationOutputs(ctx, foundation),
        vpcId: network.vpcId,
        loadBalancerDnsName: frontDoor.dnsName,
        customerDnsRecords: frontDoor.customerDnsRecords,
        ...dataOutputs({ database, files, backup }),
        ...(vpn
            ? {
                  vpnRouting: vpn.routing,
                  // The customer's networks this stack reaches over its VPN: its own, whatever else has the same range (tenant-isolation-markers reads it).
                  vpnCustomerNetworks: [...(profile.vpn?.corporateCidrs ?? [])],
                  vpnTunnels: vpn.tunnels,
                  vpnPresharedKeys: vpn.presharedKeys,
                  vpnFailover: vpnFailoverNote({ tenant, failoverName, role: "production" }),
              }
            : {}),
        ...(phase ? { directoryPhase: DIRECTORY_PHASES[phase] } : {}),
        ...(directory ? { directoryId: directory.directoryId } : {}),
        ...(database instanceof Database && database.formerInstanceArn ? { formerDatabaseArn: database.formerInstanceArn } : {}),
        ...(placement ? { dedicatedHostId: placement.hosts[0]!.hostId, dedicatedHostIds: placement.hosts.map((host) => host.hostId) } : {}),
        // What `npm run dr` needs of production (scripts/lib/dr/outputs.ts ProductionOutputs): the
        // front door the maintenance page goes on, the release the recovery must run, where incident
        // notices go, and where a failback restores (the backup role restores too).
        loadBalancerArn: frontDoor.loadBalancerArn,
        httpsListenerArn: frontDoor.httpsListenerArn,
        serverImage: image.name,
        operationsTopicArn: alarmTopicArn,
        restoreRoleArn: backup.roleArn,
        restoreTarget: {
            ...(database instanceof Database ? { dbSubnetGroupName: database.subnetGroupName } : { subnetId: network.subnetIds.data[0]! }),
            securityGroupIds: [database.securityGroupId],
            filesBucketName: files.bucketName,
            availabilityZone: placement ? placement.databaseHost.availabilityZone : network.availabilityZones[0]!,
        },
    };
}
