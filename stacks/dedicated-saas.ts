import * as pulumi from "@pulumi/pulumi";

import { AppCopy } from "../components/app-copy";
import { AvailabilityCheck } from "../components/availability-check";
import { Backup } from "../components/backup";
import { Database } from "../components/database";
import { DomainCertificate } from "../components/domain-certificate";
import { FilesBucket } from "../components/files-bucket";
import { DedicatedSaasTenant } from "./config/tenant";
import { offsiteProvider, SHARED_SERVERS_TAG_KEY, StackOutputs, tenantContext } from "./context";
import { dataOutputs, foundationOutputs, tenantFoundation } from "./foundation";

/**
 * `dedicated-saas`: the platform's shared servers and load balancer, but a copy of the app and a
 * database that are the tenant's alone: an RDS instance of its own in the platform's data tier,
 * its own target group, host rule and certificate on the shared listener, its files and backups.
 *
 * Async: one target attachment per shared server, so the program reads how many there are from
 * the platform stack (deployed before its tenants, so known at preview as at update).
 */
export async function dedicatedSaas(tenant: DedicatedSaasTenant): Promise<StackOutputs> {
    const ctx = tenantContext(tenant);
    const { platform, opts } = ctx;
    const foundation = tenantFoundation(ctx, { dedicatedKeys: true, identityProvider: "app", keyUserArns: [platform.output("operationsRoleArn")] });
    const keys = foundation.keys!;
    const [instanceIds, dataSubnetIds] = await Promise.all([platform.value("appServerInstanceIds"), platform.value("dataSubnetIds")]);

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
        },
        opts,
    );
    const files = new FilesBucket(`${tenant.id}-files`, { kmsKeyArn: keys.dataKeyArn }, opts);

    const hostName =
        tenant.domain.kind === "own" ? pulumi.output(tenant.domain.fqdn) : pulumi.interpolate`${tenant.domain.label}.${platform.output("baseDomain")}`;
    const certificate = new DomainCertificate(
        `${tenant.id}-certificate`,
        {
            domainName: hostName,
            zoneId: tenant.domain.kind === "subdomain" ? platform.output("publicZoneId") : undefined,
            target: { dnsName: platform.output("loadBalancerDnsName"), zoneId: platform.output("loadBalancerZoneId") },
        },
        opts,
    );
    new AppCopy(
        `${tenant.id}-app`,
        {
            tenant: tenant.id,
            vpcId: platform.output("vpcId"),
            instanceIds,
            listenerArn: platform.output("httpsListenerArn"),
            hostName,
            certificateArn: certificate.certificateArn,
            serversTag: { key: SHARED_SERVERS_TAG_KEY, value: platform.output("appServersTag").apply((tag) => tag.value) },
            documentName: platform.output("tenantAppDocument"),
            parameters: {
                tenant: tenant.id,
                copy: "dedicated",
                hostName,
                databaseHost: database.address,
                databaseName: "itm",
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
        { backupKeyArn: keys.backupKeyArn, offsiteRegion: tenant.offsiteRegion, offsiteProvider: offsiteProvider(ctx), databaseArns: [database.instanceArn], filesBucketArn: files.bucketArn },
        opts,
    );
    new AvailabilityCheck(`${tenant.id}-check`, { url: foundation.url, alarmTopicArn: platform.output("operationsTopicArn"), kmsKeyArn: keys.dataKeyArn }, opts);

    return {
        ...foundationOutputs(ctx, foundation),
        customerDnsRecords: certificate.customerDnsRecords,
        ...dataOutputs({ database, files, backup }),
    };
}
