import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import {
    DatabaseServer,
    DatabaseServerArgs,
    databaseServerPolicy,
    databaseSetupScript,
    renderScript,
    shellQuote,
} from "../../components/database-server";
import { DedicatedHost, hostInstanceType, instanceFamilyOf } from "../../components/dedicated-host";
import { PlannedResource } from "../../scripts/lib/plan/engine";
import { containsAddress, parseAddress, parseCidr } from "../../lib/ipv4";
import { byId, named, ofType, planProgram } from "../helpers";
import { ASSOCIATION, EGRESS, ENI, ENI_ATTACHMENT, HOST, INGRESS, INSTANCE, RANDOM_PASSWORD as PASSWORD, SECRET, SECRET_VERSION, VOLUME, VOLUME_ATTACHMENT } from "./resource-types";

const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const VPC_CIDR = "10.20.0.0/16";
const DATA_CIDR = "10.20.21.0/24";

/** The physical tenant's network as the network component makes it, in the host's zone plus a second. */
function tenantNetwork(provider: aws.Provider) {
    const opts = { provider };
    const vpc = new aws.ec2.Vpc("net-vpc", { cidrBlock: VPC_CIDR }, opts);
    const subnet = (tier: "data" | "admin", zone: "a" | "b", cidrBlock: string) =>
        new aws.ec2.Subnet(`net-${tier}-${zone}`, { vpcId: vpc.id, cidrBlock, availabilityZone: `eu-west-1${zone}`, tags: { tier } }, opts);
    const data = { a: subnet("data", "a", DATA_CIDR), b: subnet("data", "b", "10.20.22.0/24") };
    const admin = { a: subnet("admin", "a", "10.20.11.0/24"), b: subnet("admin", "b", "10.20.12.0/24") };
    const appGroup = new aws.ec2.SecurityGroup("net-app-sg", { vpcId: vpc.id, description: "application servers" }, opts);
    const syncGroup = new aws.ec2.SecurityGroup("net-sync-sg", { vpcId: vpc.id, description: "directory sync" }, opts);
    const operations = new aws.ec2.ManagedPrefixList("net-operations", { addressFamily: "IPv4", maxEntries: 4, entries: [{ cidr: "198.51.100.0/24" }] }, opts);
    const s3 = new aws.ec2.ManagedPrefixList("net-s3", { addressFamily: "IPv4", maxEntries: 1 }, opts);
    const key = new aws.kms.Key("net-key", {}, opts);
    return { vpc, data, admin, appGroup, syncGroup, operations, s3, key };
}

function databaseArgs(net: ReturnType<typeof tenantNetwork>, host: DedicatedHost, overrides: Partial<DatabaseServerArgs> = {}): DatabaseServerArgs {
    return {
        vpcId: net.vpc.id,
        vpcCidr: VPC_CIDR,
        dataSubnetId: net.data.a.id,
        adminSubnetId: net.admin.a.id,
        availabilityZone: host.availabilityZone,
        hostId: host.hostId,
        instanceType: hostInstanceType("m6i", "db.m6g.large"),
        imageId: "ami-0123456789abcdef0",
        storageGiB: 200,
        kmsKeyArn: net.key.arn,
        clientSecurityGroupIds: [net.appGroup.id, net.syncGroup.id],
        operationsPrefixListId: net.operations.id,
        patchGroup: "acme-db",
        s3PrefixListId: net.s3.id,
        ...overrides,
    };
}

/**
 * Plans a host and a database server on it; returns the plan, the outputs, and the generated
 * password's real value (captured from the RandomPassword as registered, to search the plan for).
 */
async function planDatabase(overrides: Partial<DatabaseServerArgs> = {}) {
    const result = await planProgram((provider) => {
        const net = tenantNetwork(provider);
        const host = new DedicatedHost("acme-host", { availabilityZone: "eu-west-1a", instanceFamily: "m6i" }, { provider });
        // Transformations see the resource before its constructor has set its outputs: keep it, read later.
        let generator: { result: pulumi.Output<string> } | undefined;
        const db = new DatabaseServer("acme-db", databaseArgs(net, host, overrides), {
            provider,
            transformations: [
                ({ type, resource }) => {
                    if (type === PASSWORD) {
                        generator = resource as unknown as { result: pulumi.Output<string> };
                    }
                    return undefined;
                },
            ],
        });
        return {
            password: generator?.result,
            instanceArn: db.instanceArn,
            address: db.address,
            port: db.port,
            securityGroupId: db.securityGroupId,
            masterUserSecretArn: db.masterUserSecretArn,
        };
    });
    const password = result.snapshot.outputs.password;
    expect(typeof password).toBe("string");
    return { ...result, resources: result.plan.resources, outputs: result.snapshot.outputs, password: password as string };
}

function subnetOf(resources: readonly PlannedResource[], id: unknown): PlannedResource {
    const subnet = byId(resources, id);
    expect(subnet?.type, `subnet ${String(id)}`).toBe("aws:ec2/subnet:Subnet");
    return subnet!;
}

describe("DedicatedHost", () => {
    it("GIVEN a zone and the family of an instance type WHEN planned THEN one host of that family takes only instances naming it and recovers onto new hardware", async () => {
        const { plan } = await planProgram((provider) => {
            const host = new DedicatedHost("acme-host", { availabilityZone: "eu-west-1a", instanceFamily: instanceFamilyOf("m6i.xlarge") }, { provider });
            return { hostId: host.hostId, hostArn: host.hostArn, availabilityZone: host.availabilityZone };
        });
        const hosts = ofType(plan.resources, HOST);
        expect(hosts.map((h) => [h.name, h.parent, h.protect])).toEqual([["acme-host-host", "acme-host", false]]);
        expect(hosts[0]!.inputs).toEqual({ availabilityZone: "eu-west-1a", instanceFamily: "m6i", hostRecovery: "on", autoPlacement: "off", tags: { Name: "acme-host" } });
        expect(named(plan.resources, "acme-host").type).toBe("tenant-platform:compute:DedicatedHost");
        expect(plan.outputs).toEqual({
            hostId: hosts[0]!.id,
            hostArn: `arn:aws:ec2:eu-west-1:123456789012:dedicated-host/${hosts[0]!.id}`,
            availabilityZone: "eu-west-1a",
        });
        expect(hosts[0]!.id).toMatch(/^h-[0-9a-f]{17}$/);
    });

    it("GIVEN host recovery and auto-placement overridden WHEN planned THEN the host carries the overrides", async () => {
        const { plan } = await planProgram((provider) => {
            new DedicatedHost("acme-host", { availabilityZone: "eu-west-1b", instanceFamily: "r6i", hostRecovery: "off", autoPlacement: "on" }, { provider });
        });
        expect(named(plan.resources, "acme-host-host").inputs).toMatchObject({ availabilityZone: "eu-west-1b", instanceFamily: "r6i", hostRecovery: "off", autoPlacement: "on" });
    });

    it("GIVEN an instance type instead of a family WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new DedicatedHost("acme-host", { availabilityZone: "eu-west-1a", instanceFamily: "m6i.xlarge" }, { provider });
            }),
        ).rejects.toThrow(/instanceFamily: "m6i\.xlarge" is not allowed; expected an instance family such as "m6i"/);
    });

    it.each([
        ["m6i.xlarge", "m6i"],
        ["db.m6i.large", "m6i"],
        ["db.r6g.2xlarge", "r6g"],
        ["m7i-flex.large", "m7i-flex"],
        ["u-6tb1.metal", "u-6tb1"],
        ["c6gn.16xlarge", "c6gn"],
    ])("GIVEN %s WHEN its family is taken THEN it is %s", (instanceType, family) => {
        expect(instanceFamilyOf(instanceType)).toBe(family);
    });

    it.each(["m6i", "", "db.m6i", "M6I.large", "m6i.large.extra", "db..large", "m6i.", ".large", "m6i large"])(
        "GIVEN the malformed type %j WHEN its family is taken THEN it fails naming the value and the expected shape",
        (instanceType) => {
            expect(() => instanceFamilyOf(instanceType)).toThrow(`instance type "${instanceType}" is not allowed; expected <family>.<size>`);
        },
    );

    it.each([
        ["m6i", "db.m6g.large", "m6i.large"],
        ["m6i", "db.m6i.xlarge", "m6i.xlarge"],
        ["r6i", "db.r5.2xlarge", "r6i.2xlarge"],
        ["m7i", "db.m7g.16xlarge", "m7i.16xlarge"],
        ["m6i", "db.m6i.metal", "m6i.metal"],
    ])("GIVEN a %s host and the RDS class %s WHEN mapped THEN the server is %s", (family, dbClass, expected) => {
        expect(hostInstanceType(family, dbClass)).toBe(expected);
    });

    it.each([
        ["m6i", "m6g.large", /RDS instance class "m6g\.large" is not allowed; expected "db\.<family>\.<size>"/],
        ["m6i", "db.m6g", /instance type "db\.m6g" is not allowed/],
        ["m6i.large", "db.m6g.large", /instance family "m6i\.large" is not allowed; expected a family such as "m6i"/],
        ["db.m6i", "db.m6g.large", /instance family "db\.m6i" is not allowed/],
        ["", "db.m6g.large", /instance family "" is not allowed/],
    ])("GIVEN the family %j and the class %j WHEN mapped THEN it fails with %s", (family, dbClass, message) => {
        expect(() => hostInstanceType(family, dbClass)).toThrow(message);
    });
});

describe("DatabaseServer", () => {
    it("GIVEN a dedicated host WHEN planned THEN the server runs on it with eth0 in the data subnet and eth1 in the admin subnet of the host's zone", async () => {
        const { resources, outputs } = await planDatabase();
        const host = named(resources, "acme-host-host");
        const instances = ofType(resources, INSTANCE);
        expect(instances.map((i) => i.name)).toEqual(["acme-db-server-instance"]);
        const instance = instances[0]!;
        expect(instance.inputs).toMatchObject({ tenancy: "host", hostId: host.id, availabilityZone: "eu-west-1a", instanceType: "m6i.large", ami: "ami-0123456789abcdef0" });
        const dataSubnet = subnetOf(resources, instance.inputs.subnetId);
        expect(dataSubnet.name).toBe("net-data-a");
        const attachments = ofType(resources, ENI_ATTACHMENT).filter((a) => a.inputs.instanceId === instance.id);
        expect(attachments.map((a) => a.inputs.deviceIndex)).toEqual([1]);
        const eni = byId(resources, attachments[0]!.inputs.networkInterfaceId)!;
        expect(eni.type).toBe(ENI);
        const adminSubnet = subnetOf(resources, eni.inputs.subnetId);
        expect(adminSubnet.name).toBe("net-admin-a");
        expect(adminSubnet.inputs.availabilityZone).toBe(host.inputs.availabilityZone);
        expect(ofType(resources, ENI)).toHaveLength(1);
        // The address clients use is eth0's, inside the data subnet.
        expect(containsAddress(parseCidr(DATA_CIDR)!, parseAddress(String(outputs.address))!)).toBe(true);
        expect(outputs).toMatchObject({
            port: 5432,
            securityGroupId: named(resources, "acme-db-sg").id,
            instanceArn: `arn:aws:ec2:eu-west-1:123456789012:instance/${instance.id}`,
        });
    });

    it("GIVEN the server on its host WHEN planned THEN it is replaced delete-before-create (the host has no spare room), its attachments too, and it carries its image's name", async () => {
        const { resources } = await planDatabase({ imageName: "al2023-ami-2023.11.20260526.0-kernel-6.1-x86_64" });
        const instance = named(resources, "acme-db-server-instance");
        expect(instance.deleteBeforeReplace).toBe(true);
        expect(instance.inputs.tags).toMatchObject({ ImageName: "al2023-ami-2023.11.20260526.0-kernel-6.1-x86_64" });
        expect([...ofType(resources, ENI_ATTACHMENT), ...ofType(resources, VOLUME_ATTACHMENT)].map((attachment) => [attachment.name, attachment.deleteBeforeReplace])).toEqual([
            ["acme-db-server-admin-eni-attachment", true],
            ["acme-db-server-data-attachment", true],
        ]);
    });

    it("GIVEN the server WHEN planned THEN it has no public address, requires IMDSv2 and carries the PatchGroup and role tags", async () => {
        const { resources } = await planDatabase();
        const instance = named(resources, "acme-db-server-instance");
        expect(instance.inputs.associatePublicIpAddress).toBe(false);
        expect(instance.inputs.metadataOptions).toEqual({ httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
        expect(instance.inputs.tags).toEqual({ Name: "acme-db-server", PatchGroup: "acme-db", role: "database" });
    });

    it("GIVEN a KMS key WHEN planned THEN the root and data volumes are encrypted with it and the data volume of storageGiB is snapshotted on deletion", async () => {
        const { resources } = await planDatabase({ storageGiB: 500 });
        const keyArn = `arn:aws:kms:eu-west-1:123456789012:key/${named(resources, "net-key").id}`;
        const instance = named(resources, "acme-db-server-instance");
        expect(instance.inputs.rootBlockDevice).toMatchObject({ encrypted: true, kmsKeyId: keyArn });
        const attachments = ofType(resources, VOLUME_ATTACHMENT).filter((a) => a.inputs.instanceId === instance.id);
        expect(attachments.map((a) => a.inputs.deviceName)).toEqual(["/dev/sdf"]);
        const volume = byId(resources, attachments[0]!.inputs.volumeId)!;
        expect(volume.type).toBe(VOLUME);
        expect(volume.inputs).toMatchObject({ size: 500, encrypted: true, kmsKeyId: keyArn, finalSnapshot: true, availabilityZone: "eu-west-1a" });
        expect(ofType(resources, VOLUME)).toHaveLength(1);
    });

    it("GIVEN client groups and an operations prefix list WHEN planned THEN they are the only sources: 5432 from each client group, 22 from the prefix list", async () => {
        const { resources } = await planDatabase();
        const group = named(resources, "acme-db-sg");
        const adminGroup = named(resources, "acme-db-admin-sg");
        expect(named(resources, "acme-db-server-instance").inputs.vpcSecurityGroupIds).toEqual([group.id]);
        expect(ofType(resources, ENI)[0]!.inputs.securityGroups).toEqual([adminGroup.id]);
        const rule = (r: PlannedResource) => {
            const { securityGroupId, ipProtocol, fromPort, toPort, referencedSecurityGroupId, prefixListId, cidrIpv4 } = r.inputs;
            return { name: r.name, securityGroupId, ipProtocol, fromPort, toPort, referencedSecurityGroupId, prefixListId, cidrIpv4 };
        };
        const none = { referencedSecurityGroupId: undefined, prefixListId: undefined, cidrIpv4: undefined };
        const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
        expect(ofType(resources, INGRESS).map(rule).sort(byName)).toEqual([
            { ...none, name: "acme-db-admin-from-operations-22", securityGroupId: adminGroup.id, ipProtocol: "tcp", fromPort: 22, toPort: 22, prefixListId: named(resources, "net-operations").id },
            { ...none, name: "acme-db-sg-from-client-0", securityGroupId: group.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: named(resources, "net-app-sg").id },
            { ...none, name: "acme-db-sg-from-client-1", securityGroupId: group.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: named(resources, "net-sync-sg").id },
        ]);
        expect(ofType(resources, EGRESS).map(rule).sort(byName)).toEqual([
            { ...none, name: "acme-db-admin-to-vpc-443", securityGroupId: adminGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: VPC_CIDR },
            { ...none, name: "acme-db-sg-to-s3", securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: named(resources, "net-s3").id },
            { ...none, name: "acme-db-sg-to-vpc-443", securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: VPC_CIDR },
        ]);
    });

    it("GIVEN another port and no S3 prefix list WHEN planned THEN the client rules use that port and nothing leaves for S3", async () => {
        const { resources, outputs } = await planDatabase({ port: 6432, s3PrefixListId: undefined });
        expect(ofType(resources, INGRESS).filter((r) => r.name.includes("from-client")).map((r) => [r.inputs.fromPort, r.inputs.toPort])).toEqual([
            [6432, 6432],
            [6432, 6432],
        ]);
        expect(ofType(resources, EGRESS).map((r) => r.name).sort()).toEqual(["acme-db-admin-to-vpc-443", "acme-db-sg-to-vpc-443"]);
        expect(outputs.port).toBe(6432);
        const commands = String((named(resources, "acme-db-setup").inputs.parameters as Record<string, unknown>).commands);
        expect(commands).toContain("port = 6432");
        expect(commands).toContain("export PGPORT='6432'");
    });

    it("GIVEN the generated master password WHEN planned THEN it is secret everywhere and its text appears in no input", async () => {
        const { plan, resources, password } = await planDatabase();
        expect(password).toMatch(/^[A-Za-z0-9._~-]{32}$/);
        const generator = ofType(resources, PASSWORD);
        expect(generator.map((r) => r.name)).toEqual(["acme-db-master-password"]);
        expect(generator[0]!.inputs).toMatchObject({ length: 32, special: true, overrideSpecial: "-_.~" });
        const versions = ofType(resources, SECRET_VERSION);
        expect(versions.map((r) => r.name)).toEqual(["acme-db-master-secret-version"]);
        expect(versions[0]!.inputs.secretString).toBe("[secret]");
        expect(versions[0]!.inputs.secretId).toBe(named(resources, "acme-db-master-secret").id);
        // The offline mocks do not apply the random provider's additionalSecretOutputs, so `result`
        // is plain text here (a real deployment marks it secret): any place the component passed it
        // on without the aws SDK's own secret marking (as secretString has) would show it in clear.
        expect(JSON.stringify(resources)).not.toContain(password);
        const { password: _generated, ...componentOutputs } = plan.outputs;
        expect(JSON.stringify(componentOutputs)).not.toContain(password);
    });

    it("GIVEN the master secret WHEN planned THEN it is encrypted with the tenant's key and recoverable for 30 days", async () => {
        const { resources, outputs } = await planDatabase();
        const secrets = ofType(resources, SECRET);
        expect(secrets.map((r) => r.name)).toEqual(["acme-db-master-secret"]);
        const keyArn = `arn:aws:kms:eu-west-1:123456789012:key/${named(resources, "net-key").id}`;
        expect(secrets[0]!.inputs).toMatchObject({ kmsKeyId: keyArn, recoveryWindowInDays: 30 });
        expect(String(outputs.masterUserSecretArn)).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:.+-[0-9a-f]{6}$/);
    });

    it("GIVEN the setup WHEN planned THEN one association runs the shell script on this instance, reading the password by the secret's ARN, never containing it", async () => {
        const { resources, outputs, password } = await planDatabase();
        const associations = ofType(resources, ASSOCIATION);
        expect(associations.map((r) => r.name)).toEqual(["acme-db-setup"]);
        const association = associations[0]!;
        const instance = named(resources, "acme-db-server-instance");
        expect(association.inputs).toMatchObject({
            name: "AWS-RunShellScript",
            associationName: "acme-db-postgresql-setup",
            targets: [{ key: "InstanceIds", values: [instance.id] }],
        });
        expect(association.inputs.scheduleExpression).toBeUndefined();
        const commands = String((association.inputs.parameters as Record<string, unknown>).commands);
        expect(commands).toContain(`SECRET_ARN='${String(outputs.masterUserSecretArn)}'`);
        expect(commands).toContain("aws secretsmanager get-secret-value");
        expect(commands).toContain(`listen_addresses = '${String(outputs.address)}'`);
        expect(commands).toContain('dnf install -y "postgresql$ENGINE_MAJOR-server"');
        expect(commands).toContain("ENGINE_MAJOR='16'");
        expect(commands).toContain("ssl = on");
        expect(commands).toContain("password_encryption = 'scram-sha-256'");
        expect(commands).toContain(`hostssl all   all      ${VPC_CIDR}   scram-sha-256`);
        expect(commands).toContain("DATA_DEVICE='/dev/sdf'");
        expect(commands).not.toContain(password);
        expect(commands).not.toMatch(/set -x/);
    });

    it("GIVEN the instance role WHEN planned THEN it has SSM's managed policy and may read only its own secret and decrypt only for it", async () => {
        const { resources, outputs } = await planDatabase();
        const role = named(resources, "acme-db-role");
        expect(JSON.parse(String(role.inputs.assumeRolePolicy))).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const attachments = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        expect(attachments.map((p) => [p.name, byId(resources, p.inputs.role)?.name, p.inputs.policyArn])).toEqual([["acme-db-ssm-core", "acme-db-role", SSM_CORE]]);
        const inline = ofType(resources, "aws:iam/rolePolicy:RolePolicy");
        expect(inline.map((p) => [p.name, byId(resources, p.inputs.role)?.name])).toEqual([["acme-db-secret-access", "acme-db-role"]]);
        const secretArn = String(outputs.masterUserSecretArn);
        const keyArn = `arn:aws:kms:eu-west-1:123456789012:key/${named(resources, "net-key").id}`;
        expect(JSON.parse(String(inline[0]!.inputs.policy))).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ReadOwnMasterSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
                { Sid: "DecryptOwnMasterSecret", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn, Condition: { StringEquals: { "kms:EncryptionContext:SecretARN": secretArn } } },
            ],
        });
        const profile = named(resources, "acme-db-profile");
        expect(byId(resources, profile.inputs.role)?.name).toBe("acme-db-role");
        expect(byId(resources, named(resources, "acme-db-server-instance").inputs.iamInstanceProfile)?.name).toBe("acme-db-profile");
    });

    it("GIVEN the server WHEN planned THEN every child is parented to the component (the server's own to the DualNicServer)", async () => {
        const { resources } = await planDatabase();
        const mine = resources.filter((r) => r.name.startsWith("acme-db"));
        expect(named(resources, "acme-db").type).toBe("tenant-platform:data:DatabaseServer");
        expect(named(resources, "acme-db").parent).toBeNull();
        expect(named(resources, "acme-db-server").type).toBe("tenant-platform:compute:DualNicServer");
        for (const resource of mine.filter((r) => r.name !== "acme-db")) {
            const expected = resource.name.startsWith("acme-db-server-") ? "acme-db-server" : "acme-db";
            expect(resource.parent, resource.name).toBe(expected);
        }
        expect(mine.filter((r) => r.parent === "acme-db").map((r) => r.name).sort()).toEqual(
            [
                "acme-db-sg", "acme-db-sg-from-client-0", "acme-db-sg-from-client-1", "acme-db-sg-to-vpc-443", "acme-db-sg-to-s3",
                "acme-db-admin-sg", "acme-db-admin-from-operations-22", "acme-db-admin-to-vpc-443",
                "acme-db-master-password", "acme-db-master-secret", "acme-db-master-secret-version",
                "acme-db-role", "acme-db-ssm-core", "acme-db-secret-access", "acme-db-profile", "acme-db-server", "acme-db-setup",
            ].sort(),
        );
    });

    it.each<[string, Partial<DatabaseServerArgs>, RegExp]>([
        ["storage above the data volume's limit", { storageGiB: 65537 }, /acme-db: storageGiB: 65537 is not allowed; expected a whole number of GiB from 20 to 65536/],
        ["storage below 20 GiB", { storageGiB: 10 }, /acme-db: storageGiB: 10 is not allowed/],
        ["a privileged port", { port: 22 }, /acme-db: port: 22 is not allowed; expected a TCP port from 1024 to 65535/],
        ["a port above 65535", { port: 70000 }, /acme-db: port: 70000 is not allowed/],
        ["a major version older than 15", { engineVersion: "14" }, /acme-db: engineVersion: "14" is not allowed; expected a PostgreSQL major version from 15/],
        ["a minor version", { engineVersion: "16.4" }, /acme-db: engineVersion: "16\.4" is not allowed/],
        ["an RDS class as the instance type", { instanceType: "db.m6i.large" }, /acme-db: instanceType: "db\.m6i\.large" is not allowed; expected an EC2 type of the host's family, e\.g\. hostInstanceType\("m6i", "db\.m6i\.large"\)/],
        ["a family as the instance type", { instanceType: "m6i" }, /acme-db: instanceType: instance type "m6i" is not allowed; expected <family>\.<size>/],
        ["no client group", { clientSecurityGroupIds: [] }, /acme-db: clientSecurityGroupIds: none given; expected the security groups of the servers that use the database/],
        ["an invalid database name", { databaseName: "Bad-Name" }, /acme-db: databaseName: "Bad-Name" is not allowed; expected a lower-case letter/],
        ["an invalid master user name", { masterUsername: "1admin" }, /acme-db: masterUsername: "1admin" is not allowed; expected a lower-case letter/],
        ["a VPC CIDR with host bits", { vpcCidr: "10.20.0.1/16" }, /acme-db: vpcCidr: "10\.20\.0\.1\/16" is not allowed; expected the VPC's IPv4 CIDR in canonical form/],
    ])("GIVEN %s WHEN constructed THEN it fails naming the field, the value and what is allowed", async (_, overrides, message) => {
        await expect(planDatabase(overrides)).rejects.toThrow(message);
    });

    it("GIVEN several problems WHEN constructed THEN one error lists them all", async () => {
        await expect(planDatabase({ storageGiB: 5, port: 80 })).rejects.toThrow(/storageGiB: 5 is not allowed.*; port: 80 is not allowed/);
    });
});

describe("database server pure helpers", () => {
    it.each([
        ["plain", "'plain'"],
        ["it's", `'it'"'"'s'`],
        ["$HOME `id`", "'$HOME `id`'"],
        ["", "''"],
    ])("GIVEN %j WHEN shell-quoted THEN it is %s", (value, quoted) => {
        expect(shellQuote(value)).toBe(quoted);
    });

    it("GIVEN a secret and a key WHEN the policy is built THEN it names only that secret, and the key only for that secret", () => {
        const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-db-abc123";
        const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
        const policy = JSON.parse(databaseServerPolicy(secretArn, keyArn)) as { Statement: { Resource: string; Condition?: unknown }[] };
        expect(policy.Statement.map((s) => s.Resource)).toEqual([secretArn, keyArn]);
        expect(policy.Statement[1]!.Condition).toEqual({ StringEquals: { "kms:EncryptionContext:SecretARN": secretArn } });
        expect(JSON.stringify(policy)).not.toContain("*");
    });

    it.each([
        ["15", 5432, "postgresql$ENGINE_MAJOR-server", "ENGINE_MAJOR='15'"],
        ["17", 6543, "port = 6543", "CREATE DATABASE itm OWNER itm_admin"],
    ])("GIVEN PostgreSQL %s on port %i WHEN the setup script is rendered THEN it contains %s and %s", (engineVersion, port, first, second) => {
        const script = databaseSetupScript({
            engineVersion,
            port,
            listenAddress: "10.20.21.10",
            clientCidr: VPC_CIDR,
            secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-db-abc123",
            databaseName: "itm",
            masterUsername: "itm_admin",
        });
        expect(script.startsWith("#!/bin/bash\nset -euo pipefail\n")).toBe(true);
        expect(script).toContain(first);
        expect(script).toContain(second);
        // Formatting is guarded: only a volume without a filesystem is formatted.
        expect(script).toMatch(/if ! blkid "\$device" >\/dev\/null 2>&1; then\n\s+mkfs\.xfs/);
        // The password reaches psql through the environment, never the command line.
        expect(script).toContain("\\getenv db_password DB_PASSWORD");
        expect(script).toContain("PASSWORD :'db_password'");
    });

    it("GIVEN the rendered setup script WHEN read THEN no placeholder and no template comment is left, and the quoted values sit where the template assigns them", () => {
        const script = databaseSetupScript({
            engineVersion: "16",
            port: 5432,
            listenAddress: "10.20.21.10",
            clientCidr: VPC_CIDR,
            secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-db-abc123",
            databaseName: "itm",
            masterUsername: "itm_admin",
        });
        expect(script).not.toMatch(/@@|^#@/m);
        expect(script).toContain("SECRET_ARN='arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-db-abc123'\nLISTEN_ADDRESS='10.20.21.10'\n");
        expect(script).toContain("listen_addresses = '10.20.21.10'\nport = 5432\n");
        expect(script).toContain(`hostssl all   all      ${VPC_CIDR}   scram-sha-256`);
    });

    it.each([
        ["a placeholder without a value", "a=@@A@@ b=@@B@@\n", { A: "1" }, "script template: no value for @@B@@"],
        ["a value without a placeholder", "a=@@A@@\n", { A: "1", C: "3" }, "script template: no placeholder for C"],
    ])("GIVEN %s WHEN a script template is rendered THEN it fails naming it", (_, text, values, message) => {
        expect(() => renderScript(text, values)).toThrow(message);
    });

    it("GIVEN a template with #@ comment lines WHEN rendered THEN they are dropped and the rest kept byte for byte", () => {
        expect(renderScript("#!/bin/bash\n#@ about the template\nx=@@X@@ # kept\n#@ more\n", { X: "'1'" })).toBe("#!/bin/bash\nx='1' # kept\n");
    });
});
