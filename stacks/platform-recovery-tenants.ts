// The tenants the platform's recovery environment carries besides the shared app (issue 16):
// - saas tenants live in the shared database (a Postgres database each) and the shared files bucket
//   (a prefix each): restoring those restores them. Active, one SSM association on the recovery's
//   servers configures every saas tenant the restored shared database holds (the recovery's own
//   `-shared-tenants` document): nothing per saas tenant, so 10,000 of them cost one association,
//   and a saas tenant file's change never changes the recovery's plan.
// - dedicated-saas tenants of the production region (read from the tenant files): idle, the bucket
//   their files are restored into; active, what their production stack (stacks/dedicated-saas.ts)
//   holds around the shared servers: a front door of their own, a check name, the app copy on the
//   recovery's servers, the restored database (stack config `restoredTenantDatabases`), the availability
//   check, backups of their own (the recovery environment only) and, redirected, the SECONDARY record
//   of their failover name.

import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { AccessLogBucket } from "../components/access-log-bucket";
import { AppCopy, appCopyHealthCheckPath } from "../components/app-copy";
import { AppInstall } from "../components/app-install";
import { AppServers } from "../components/app-servers";
import { AvailabilityCheck } from "../components/availability-check";
import * as aws from "../components/aws";
import { Backup } from "../components/backup";
import { DEFAULT_DATABASE_NAME, masterSecretPolicy } from "../components/database";
import { DomainCertificate } from "../components/domain-certificate";
import { EncryptionKeys } from "../components/encryption-keys";
import { secondaryFailoverRecord } from "../components/failover-dns";
import { FilesBucket } from "../components/files-bucket";
import { FrontDoor } from "../components/front-door";
import { edgeHostName } from "../lib/hosts";
import { RecoveryKind } from "../lib/platform";
import { SHARED_SERVERS_TAG_KEY } from "../lib/promises/tags";
import { loadFleetDirectory } from "./config/load-fleet";
import { repoRoot, tenantConfigDir } from "./config/project";
import { PlatformSettings } from "./config/platform-settings";
import { displayName } from "./config/tenant-files";
import { DedicatedSaasTenant, Tenant } from "./config/tenant";
import { formatProblem } from "./config/validate";
import { sharedTenantsDocument, tenantAppDocument } from "./platform-documents";
import { rdsIdentifierProblem } from "./recovery-config";

/** The dedicated-saas tenants a platform recovery carries: those of its production region, active (an offboarding one's stack is being destroyed), sorted by id. */
export function dedicatedSaasTenantsOf(fleet: readonly Tenant[], region: string): DedicatedSaasTenant[] {
    return fleet
        .filter((tenant): tenant is DedicatedSaasTenant => tenant.mode === "dedicated-saas" && tenant.region === region && tenant.status === "active")
        .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The tenant files as a deployment reads them (tenant-configs/, validated together): an invalid
 * fleet fails the update with the validator's lines, before any resource is registered.
 */
export function loadTenantFleet(dir: string = tenantConfigDir()): Tenant[] {
    const fleet = loadFleetDirectory(dir);
    if (fleet.problems.length > 0) {
        const lines = fleet.problems.map((problem) => formatProblem({ ...problem, file: displayName(path.resolve(problem.file), repoRoot()) }));
        throw new pulumi.RunError(`the tenant files are invalid; the platform's recovery carries its region's dedicated-saas tenants from them:\n${lines.join("\n")}`);
    }
    return [...fleet.tenants];
}

/** A tenant's host name: its platform subdomain or its own domain. */
export function tenantHostName(tenant: DedicatedSaasTenant, baseDomain: string): string {
    return tenant.domain.kind === "own" ? tenant.domain.fqdn : `${tenant.domain.label}.${baseDomain}`;
}

/** The name of a tenant's failover pair: its host, or for a customer's own domain its edge name (lib/hosts.ts). */
export function tenantFailoverName(tenant: DedicatedSaasTenant, baseDomain: string): string {
    return tenant.domain.kind === "own" ? edgeHostName(tenant.id, baseDomain) : tenantHostName(tenant, baseDomain);
}

/**
 * The restored databases of the dedicated-saas tenants (stack config `restoredTenantDatabases`,
 * already parsed), checked against the tenants carried: an entry for another tenant is refused (a
 * typo would otherwise leave a tenant without its data), and a redirect needs every tenant's.
 */
export function tenantDatabasesProblems(databases: Readonly<Record<string, string>>, tenants: readonly DedicatedSaasTenant[], redirect: boolean, region: string): string[] {
    const carried = new Set(tenants.map((tenant) => tenant.id));
    const problems: string[] = [];
    const unknown = Object.keys(databases).filter((id) => !carried.has(id));
    if (unknown.length > 0) {
        problems.push(
            `stack config restoredTenantDatabases: ${unknown.map((id) => `"${id.slice(0, 40)}"`).join(", ")} is not a dedicated-saas tenant of ${region} ` +
                `(carried: ${[...carried].join(", ") || "none"})`,
        );
    }
    const missing = [...carried].filter((id) => databases[id] === undefined);
    if (redirect && missing.length > 0) {
        problems.push(`stack config recoveryRedirect: true needs restoredTenantDatabases entries for ${missing.join(", ")} (their restored DB instances): clients are never sent to servers without their data`);
    }
    return problems;
}

/** What a restored RDS instance gives the recovery: its ARN, address and the master secret RDS manages. */
export interface RestoredDatabase {
    readonly arn: pulumi.Output<string>;
    readonly address: pulumi.Output<string>;
    readonly secretArn: pulumi.Output<string>;
}

/**
 * The database a restore job created, which the stack does not own (`npm run dr` names it), looked
 * up in the recovery's region. Its credentials: the master secret RDS manages (dr turns it on after
 * the restore); none fails the update, as the servers could not log in.
 */
export function restoredDatabase(key: string, id: string, opts: pulumi.InvokeOptions): RestoredDatabase {
    const problem = rdsIdentifierProblem(id);
    if (problem !== undefined) {
        throw new pulumi.RunError(`stack config ${key}: ${problem}`);
    }
    const instance = aws.rds.getInstanceOutput({ dbInstanceIdentifier: id }, opts);
    return {
        arn: instance.dbInstanceArn,
        address: instance.address,
        secretArn: instance.masterUserSecrets.apply((secrets) => {
            const arn = secrets[0]?.secretArn;
            if (arn === undefined) {
                throw new pulumi.RunError(`stack config ${key}: the restored database ${id} has no master user secret managed by RDS; turn it on (npm run dr does after the restore)`);
            }
            return arn;
        }),
    };
}

/**
 * The roles that read a restored database's master secret, in the secret's resource policy (as
 * Database's `secretReaderRoleArns`): one inline policy per tenant on the servers' role would
 * overflow IAM's 10,240 characters of inline policy per role within a few dozen tenants.
 */
function grantSecret(name: string, secretArn: pulumi.Output<string>, roleArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): aws.secretsmanager.SecretPolicy {
    return new aws.secretsmanager.SecretPolicy(
        name,
        { secretArn, policy: pulumi.all([secretArn, roleArn]).apply(([arn, role]) => masterSecretPolicy(arn, [role])), blockPublicPolicy: true },
        opts,
    );
}

/** One tenant of the `dedicatedSaasTenants` output (the contract with npm run dr). */
export interface DedicatedSaasRecoveryOutput {
    readonly filesBucketName: pulumi.Output<string>;
    readonly failoverName: string;
    readonly url?: string;
    readonly databaseArn?: pulumi.Output<string>;
    readonly backupVaultArn?: pulumi.Output<string>;
    /** The copies of its backups in the production region: a failback restores from them. */
    readonly offsiteBackupVaultArn?: pulumi.Output<string>;
}

/** What the platform recovery's composition hands over to its tenants. */
export interface RecoveryTenantsArgs {
    /** The recovery stack's name (`platform-<region>-recovery`): the documents' and the servers' tag. */
    readonly name: string;
    readonly kind: RecoveryKind;
    /** The production region (the tenants' region, where the recovery's backups are copied). */
    readonly region: string;
    readonly settings: PlatformSettings;
    readonly tenants: readonly DedicatedSaasTenant[];
    readonly switches: { readonly active: boolean; readonly redirect: boolean };
    /** Tenant id -> restored DB instance identifier (validated). */
    readonly restoredTenantDatabases: Readonly<Record<string, string>>;
    readonly keys: EncryptionKeys;
    readonly zoneId: pulumi.Output<string>;
    readonly network: { readonly vpcId: pulumi.Input<string>; readonly accessSubnetIds: pulumi.Input<string>[] };
    readonly servers: AppServers;
    /** The group the recovery's servers admit on the app port: every door carries it. */
    readonly frontDoorGroupId: pulumi.Input<string>;
    /** Active only: the environment's access log bucket, its host names, the shared restored data. */
    readonly accessLogBucket?: AccessLogBucket;
    readonly appHostName: string;
    readonly shared?: { readonly database: RestoredDatabase; readonly filesBucketName: pulumi.Input<string>; readonly access: pulumi.Resource };
    readonly operationsTopicArn: pulumi.Input<string>;
    /** The provider of the production region (the recovery's backups' off-site copies); recovery kind only. */
    readonly offsiteProvider?: aws.Provider;
}

/** The prefix root of the saas tenants in the shared bucket and the prefix of their databases (stacks/saas.ts). */
export const SAAS_FILES_PREFIX_ROOT = "tenants/";
export const SAAS_DATABASE_PREFIX = "tenant_";

/**
 * The saas and dedicated-saas tenants of the platform's recovery; returns the `dedicatedSaasTenants`
 * output. `opts` carries the recovery region's provider.
 */
export function recoveryTenants(args: RecoveryTenantsArgs, opts: pulumi.CustomResourceOptions): Record<string, DedicatedSaasRecoveryOutput> {
    const { name, kind, settings, keys, servers } = args;
    const active = args.switches.active && args.accessLogBucket !== undefined;
    const serversTag = { key: SHARED_SERVERS_TAG_KEY, value: name };

    // The recovery's own documents: production's are in the production region, which SSM cannot run here.
    const appDocument = active ? new aws.ssm.Document(`${name}-tenant-app`, { name: `${name}-tenant-app`, documentType: "Command", documentFormat: "JSON", content: tenantAppDocument() }, opts) : undefined;
    if (active && args.shared !== undefined) {
        const document = new aws.ssm.Document(`${name}-shared-tenants`, { name: `${name}-shared-tenants`, documentType: "Command", documentFormat: "JSON", content: sharedTenantsDocument() }, opts);
        new AppInstall(
            `${name}-shared-tenants`,
            {
                // Names the association `all-saas-tenants-app-copy`: one for every saas tenant.
                tenant: "all-saas-tenants",
                // Created once the servers run and may read the shared database's secret and files (a
                // dependency through an input: a component's dependsOn does not reach its children).
                serversTag: { key: serversTag.key, value: pulumi.all([serversTag.value, servers.urn, args.shared.access.urn]).apply(([value]) => value) },
                documentName: document.name,
                parameters: {
                    hostName: args.appHostName,
                    databaseHost: args.shared.database.address,
                    databaseSecretArn: args.shared.database.secretArn,
                    databaseNamePrefix: SAAS_DATABASE_PREFIX,
                    filesBucket: args.shared.filesBucketName,
                    filesPrefixRoot: SAAS_FILES_PREFIX_ROOT,
                },
                serverCount: settings.appServerCount,
            },
            opts,
        );
    }

    const outputs: Record<string, DedicatedSaasRecoveryOutput> = {};
    for (const tenant of args.tenants) {
        const id = tenant.id;
        const failoverName = tenantFailoverName(tenant, settings.baseDomain);
        // Where the tenant's files are restored; the servers read it through the bucket policy.
        const files = new FilesBucket(`${id}-files`, { kmsKeyArn: keys.dataKeyArn, disposable: kind === "drill", appRoleArns: [servers.roleArn] }, opts);
        if (!active || appDocument === undefined) {
            outputs[id] = { filesBucketName: files.bucketName, failoverName };
            continue;
        }
        const hostName = tenantHostName(tenant, settings.baseDomain);
        const frontDoor = new FrontDoor(
            `${id}-front-door`,
            {
                vpcId: args.network.vpcId,
                vpcCidr: settings.networkCidr,
                subnetIds: args.network.accessSubnetIds,
                internal: false,
                domainName: hostName,
                // No record of its own for the host: production holds the name (the PRIMARY of its
                // failover pair); ACM validates the certificate with production's records.
                zoneId: undefined,
                platformZone: { zoneId: args.zoneId, domain: settings.baseDomain },
                suspiciousNetworks: [...settings.suspiciousNetworks],
                healthCheckPath: appCopyHealthCheckPath(id),
                extraSecurityGroupIds: [args.frontDoorGroupId],
                accessLogBucket: args.accessLogBucket!.bucketName,
                logKeyArn: keys.dataKeyArn,
            },
            opts,
        );
        // The name the functional check reaches the tenant on before the redirect (the host is production's until then).
        const checkHostName = `${kind}.${failoverName}`;
        const checkName = new DomainCertificate(
            `${id}-check-name`,
            { domainName: checkHostName, zoneId: args.zoneId, platformZone: { zoneId: args.zoneId, domain: settings.baseDomain }, target: { dnsName: frontDoor.dnsName, zoneId: frontDoor.zoneIdOfLoadBalancer } },
            opts,
        );
        new aws.lb.ListenerCertificate(`${id}-check-certificate`, { listenerArn: frontDoor.httpsListenerArn, certificateArn: checkName.certificateArn }, opts);
        const url = `https://${checkHostName}`;
        new AvailabilityCheck(`${id}-check`, { url, alarmTopicArn: args.operationsTopicArn, kmsKeyArn: keys.dataKeyArn, runtimeVersion: settings.canaryRuntime }, opts);

        const databaseId = args.restoredTenantDatabases[id];
        if (databaseId === undefined) {
            // Active before the restore (npm run dr's step 2): the door waits for its copy.
            outputs[id] = { filesBucketName: files.bucketName, failoverName, url };
            continue;
        }
        const database = restoredDatabase(`restoredTenantDatabases.${id}`, databaseId, opts);
        const secretAccess = grantSecret(`${id}-database-secret-policy`, database.secretArn, servers.roleArn, opts);
        new AppCopy(
            `${id}-app`,
            {
                tenant: id,
                instanceIds: servers.instanceIds,
                targetGroupArn: frontDoor.targetGroupArn,
                serversTag,
                documentName: appDocument.name,
                parameters: {
                    tenant: id,
                    copy: "dedicated",
                    hostName,
                    databaseHost: database.address,
                    databaseName: DEFAULT_DATABASE_NAME,
                    // Through the secret's policy: the copy installs once the servers may read it.
                    databaseSecretArn: secretAccess.secretArn,
                    filesBucket: files.bucketName,
                    filesPrefix: "",
                },
            },
            opts,
        );
        // Backups of its own, copied to the production region: a failback restores from them.
        const backup =
            kind === "recovery" && args.offsiteProvider !== undefined
                ? new Backup(
                      `${id}-recovery-backup`,
                      {
                          backupKeyArn: keys.backupKeyArn,
                          offsiteRegion: args.region,
                          offsiteProvider: args.offsiteProvider,
                          databaseArns: [database.arn],
                          filesBucketArn: files.bucketArn,
                          notificationTopicArn: args.operationsTopicArn,
                      },
                      opts,
                  )
                : undefined;
        // Step 5 of the contingency plan: the tenant's name fails over to this door.
        if (args.switches.redirect && kind === "recovery") {
            secondaryFailoverRecord(`${id}-failover`, { zoneId: args.zoneId, hostName: failoverName, target: { dnsName: frontDoor.dnsName, zoneId: frontDoor.zoneIdOfLoadBalancer } }, opts);
        }
        outputs[id] = { filesBucketName: files.bucketName, failoverName, url, databaseArn: database.arn, ...(backup ? { backupVaultArn: backup.vaultArn, offsiteBackupVaultArn: backup.offsiteVaultArn } : {}) };
    }
    return outputs;
}
