import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";

import { AppServers, AppServersArgs, appServersProblems, spreadOverZones } from "../../components/app-servers";
import { dataVolumeType, DualNicServer, IO2_IOPS, volumeSizeProblems } from "../../components/dual-nic-server";
import { PlannedResource } from "../../scripts/lib/plan/engine";
import { containsAddress, parseAddress, parseCidr } from "../../lib/ipv4";
import { byId, named, ofType, planProgram } from "../helpers";
import { EGRESS, ENI, ENI_ATTACHMENT, INGRESS, INSTANCE, TARGET_ATTACHMENT, VOLUME, VOLUME_ATTACHMENT } from "./resource-types";

const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const VPC_CIDR = "10.20.0.0/16";

/** A tenant network as the network component would make it: two zones, an access and an admin subnet in each. */
function tenantNetwork(provider: aws.Provider) {
    const opts = { provider };
    const vpc = new aws.ec2.Vpc("net-vpc", { cidrBlock: VPC_CIDR }, opts);
    const subnet = (tier: "access" | "admin", zone: "a" | "b", cidrBlock: string) =>
        new aws.ec2.Subnet(`net-${tier}-${zone}`, { vpcId: vpc.id, cidrBlock, availabilityZone: `eu-west-1${zone}`, tags: { tier } }, opts);
    const access = [subnet("access", "a", "10.20.1.0/24"), subnet("access", "b", "10.20.2.0/24")] as const;
    const admin = [subnet("admin", "a", "10.20.11.0/24"), subnet("admin", "b", "10.20.12.0/24")] as const;
    const lbGroup = new aws.ec2.SecurityGroup("net-lb-sg", { vpcId: vpc.id, description: "load balancer" }, opts);
    const operations = new aws.ec2.ManagedPrefixList("net-operations", { addressFamily: "IPv4", maxEntries: 4, entries: [{ cidr: "198.51.100.0/24" }] }, opts);
    const key = new aws.kms.Key("net-key", {}, opts);
    const targetGroup = new aws.lb.TargetGroup("net-tg", { port: 443, protocol: "HTTPS", vpcId: vpc.id, targetType: "instance" }, opts);
    return { vpc, access, admin, lbGroup, operations, key, targetGroup };
}

function appServersArgs(net: ReturnType<typeof tenantNetwork>, overrides: Partial<AppServersArgs> = {}): AppServersArgs {
    return {
        vpcId: net.vpc.id,
        vpcCidr: VPC_CIDR,
        accessSubnetIds: net.access.map((s) => s.id),
        adminSubnetIds: net.admin.map((s) => s.id),
        availabilityZones: ["eu-west-1a", "eu-west-1b"],
        count: 3,
        instanceType: "m7i.large",
        imageId: "ami-0123456789abcdef0",
        dataVolumeGiB: 200,
        kmsKeyArn: net.key.arn,
        loadBalancerSecurityGroupId: net.lbGroup.id,
        operationsPrefixListId: net.operations.id,
        patchGroup: "acme-app",
        targetGroupArn: net.targetGroup.arn,
        ...overrides,
    };
}

function subnetOf(resources: readonly PlannedResource[], id: unknown): PlannedResource {
    const subnet = byId(resources, id);
    expect(subnet?.type, `subnet ${String(id)}`).toBe("aws:ec2/subnet:Subnet");
    return subnet!;
}

describe("AppServers", () => {
    it("GIVEN three servers over two zones WHEN planned THEN each has eth0 in an access subnet and exactly one eth1 in the admin subnet of the same zone", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider)), { provider });
        });
        const resources = plan.resources;
        const instances = ofType(resources, INSTANCE);
        expect(instances.map((i) => i.name)).toEqual(["acme-app-0-instance", "acme-app-1-instance", "acme-app-2-instance"]);
        const zones: unknown[] = [];
        for (const instance of instances) {
            const access = subnetOf(resources, instance.inputs.subnetId);
            expect(access.inputs.tags).toEqual({ tier: "access" });
            expect(instance.inputs.availabilityZone).toBe(access.inputs.availabilityZone);
            const attachments = ofType(resources, ENI_ATTACHMENT).filter((a) => a.inputs.instanceId === instance.id);
            expect(attachments.map((a) => a.inputs.deviceIndex)).toEqual([1]);
            const eni = byId(resources, attachments[0]?.inputs.networkInterfaceId)!;
            expect(eni.type).toBe(ENI);
            const admin = subnetOf(resources, eni.inputs.subnetId);
            expect(admin.inputs.tags).toEqual({ tier: "admin" });
            expect(admin.inputs.availabilityZone).toBe(access.inputs.availabilityZone);
            zones.push(access.inputs.availabilityZone);
        }
        expect(zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1a"]);
        expect(ofType(resources, ENI)).toHaveLength(3);
        expect(ofType(resources, ENI_ATTACHMENT)).toHaveLength(3);
        expect(named(resources, "acme-app-1").type).toBe("tenant-platform:compute:DualNicServer");
        expect(named(resources, "acme-app-1").parent).toBe("acme-app");
        for (const child of ["instance", "admin-eni", "admin-eni-attachment", "data", "data-attachment"]) {
            expect(named(resources, `acme-app-1-${child}`).parent).toBe("acme-app-1");
        }
    });

    it("GIVEN the servers WHEN planned THEN none has a public address, all require IMDSv2 and carry the PatchGroup tag", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider)), { provider });
        });
        const instances = ofType(plan.resources, INSTANCE);
        expect(instances).toHaveLength(3);
        for (const instance of instances) {
            expect(instance.inputs.associatePublicIpAddress).toBe(false);
            expect(instance.inputs.metadataOptions).toEqual({ httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
            expect(instance.inputs.tags).toEqual({ Name: instance.name.replace(/-instance$/, ""), PatchGroup: "acme-app" });
            expect(instance.inputs).toMatchObject({ instanceType: "m7i.large", ami: "ami-0123456789abcdef0", monitoring: true, ebsOptimized: true });
            expect(instance.inputs.tenancy).toBeUndefined();
            expect(instance.inputs.hostId).toBeUndefined();
        }
    });

    it("GIVEN a KMS key WHEN planned THEN every root and data volume is gp3 and encrypted with it, the data volume in the instance's zone on /dev/sdf", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider)), { provider });
        });
        const resources = plan.resources;
        const keyArn = `arn:aws:kms:eu-west-1:123456789012:key/${named(resources, "net-key").id}`;
        for (const instance of ofType(resources, INSTANCE)) {
            expect(instance.inputs.rootBlockDevice).toMatchObject({ volumeType: "gp3", volumeSize: 30, encrypted: true, kmsKeyId: keyArn });
            const attachments = ofType(resources, VOLUME_ATTACHMENT).filter((a) => a.inputs.instanceId === instance.id);
            expect(attachments.map((a) => a.inputs.deviceName)).toEqual(["/dev/sdf"]);
            const volume = byId(resources, attachments[0]?.inputs.volumeId)!;
            expect(volume.type).toBe(VOLUME);
            expect(volume.inputs).toMatchObject({ type: "gp3", size: 200, encrypted: true, kmsKeyId: keyArn, availabilityZone: instance.inputs.availabilityZone });
        }
        expect(ofType(resources, VOLUME)).toHaveLength(3);
    });

    it("GIVEN a load balancer group and an operations prefix list WHEN planned THEN they are the only sources of ingress, on the app port and SSH", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider)), { provider });
        });
        const resources = plan.resources;
        const accessGroup = named(resources, "acme-app-access-sg");
        const adminGroup = named(resources, "acme-app-admin-sg");
        const vpcId = named(resources, "net-vpc").id;
        expect(accessGroup.inputs).toMatchObject({ vpcId, description: expect.stringContaining("load balancer") });
        expect(adminGroup.inputs).toMatchObject({ vpcId, description: expect.stringContaining("operations") });
        for (const instance of ofType(resources, INSTANCE)) {
            expect(instance.inputs.vpcSecurityGroupIds).toEqual([accessGroup.id]);
        }
        for (const eni of ofType(resources, ENI)) {
            expect(eni.inputs.securityGroups).toEqual([adminGroup.id]);
        }
        const rule = (r: PlannedResource) => {
            const { securityGroupId, ipProtocol, fromPort, toPort, referencedSecurityGroupId, prefixListId, cidrIpv4 } = r.inputs;
            return { name: r.name, securityGroupId, ipProtocol, fromPort, toPort, referencedSecurityGroupId, prefixListId, cidrIpv4 };
        };
        expect(ofType(resources, INGRESS).map(rule)).toEqual([
            { name: "acme-app-access-from-lb", securityGroupId: accessGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, referencedSecurityGroupId: named(resources, "net-lb-sg").id, prefixListId: undefined, cidrIpv4: undefined },
            { name: "acme-app-admin-from-operations-22", securityGroupId: adminGroup.id, ipProtocol: "tcp", fromPort: 22, toPort: 22, referencedSecurityGroupId: undefined, prefixListId: named(resources, "net-operations").id, cidrIpv4: undefined },
        ]);
        expect(ofType(resources, EGRESS).map(rule)).toEqual([
            { name: "acme-app-access-to-vpc-443", securityGroupId: accessGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, referencedSecurityGroupId: undefined, prefixListId: undefined, cidrIpv4: VPC_CIDR },
            { name: "acme-app-access-to-vpc-5432", securityGroupId: accessGroup.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: undefined, prefixListId: undefined, cidrIpv4: VPC_CIDR },
            { name: "acme-app-admin-to-vpc-443", securityGroupId: adminGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, referencedSecurityGroupId: undefined, prefixListId: undefined, cidrIpv4: VPC_CIDR },
        ]);
        expect(resources.filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0")).toEqual([]);
    });

    it("GIVEN other admin ports, an app port and an S3 prefix list WHEN planned THEN one rule per port and HTTPS to S3 only through the prefix list", async () => {
        const { plan } = await planProgram((provider) => {
            const net = tenantNetwork(provider);
            const s3 = new aws.ec2.ManagedPrefixList("net-s3", { addressFamily: "IPv4", maxEntries: 1 }, { provider });
            new AppServers("acme-app", appServersArgs(net, { appPort: 8443, adminPorts: [22, 3389], s3PrefixListId: s3.id }), { provider });
        });
        const resources = plan.resources;
        expect(named(resources, "acme-app-access-from-lb").inputs).toMatchObject({ fromPort: 8443, toPort: 8443 });
        expect(ofType(resources, INGRESS).map((r) => [r.name, r.inputs.fromPort, r.inputs.prefixListId ?? null])).toEqual([
            ["acme-app-access-from-lb", 8443, null],
            ["acme-app-admin-from-operations-22", 22, named(resources, "net-operations").id],
            ["acme-app-admin-from-operations-3389", 3389, named(resources, "net-operations").id],
        ]);
        expect(named(resources, "acme-app-access-to-s3").inputs).toMatchObject({
            securityGroupId: named(resources, "acme-app-access-sg").id, ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: named(resources, "net-s3").id,
        });
        expect(named(resources, "acme-app-access-to-s3").inputs.cidrIpv4).toBeUndefined();
        for (const target of ofType(resources, TARGET_ATTACHMENT)) {
            expect(target.inputs.port).toBe(8443);
        }
    });

    it("GIVEN the servers WHEN planned THEN they run under an instance profile whose EC2 role has SSM's managed-instance policy", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider)), { provider });
        });
        const resources = plan.resources;
        const role = named(resources, "acme-app-role");
        expect(JSON.parse(String(role.inputs.assumeRolePolicy))).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const policies = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        // IAM roles and instance profiles are identified by their (auto-generated) names.
        expect(policies.map((p) => [p.name, byId(resources, p.inputs.role)?.name, p.inputs.policyArn])).toEqual([["acme-app-ssm-core", "acme-app-role", SSM_CORE]]);
        const profile = named(resources, "acme-app-profile");
        expect(profile.type).toBe("aws:iam/instanceProfile:InstanceProfile");
        expect(byId(resources, profile.inputs.role)?.name).toBe("acme-app-role");
        for (const instance of ofType(resources, INSTANCE)) {
            expect(byId(resources, instance.inputs.iamInstanceProfile)?.name).toBe("acme-app-profile");
        }
    });

    it("GIVEN a target group WHEN planned THEN every instance is registered with it on the app port", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider)), { provider });
        });
        const resources = plan.resources;
        const targetGroupArn = named(resources, "net-tg").id;
        expect(ofType(resources, TARGET_ATTACHMENT).map((t) => [t.name, t.inputs.targetGroupArn, t.inputs.targetId, t.inputs.port, t.parent])).toEqual(
            ofType(resources, INSTANCE).map((instance, i) => [`acme-app-${i}-target`, targetGroupArn, instance.id, 443, "acme-app"]),
        );
    });

    it("GIVEN three servers behind a target group WHEN planned THEN each server after the first waits for the previous one's registration, which waits for that server's attachments", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider)), { provider });
        });
        const resources = plan.resources;
        // pulumi up registers (so creates or replaces) a resource only after its dependsOn completed:
        // a new image replaces server 1 after server 0's replacement is registered with the target group.
        expect(ofType(resources, INSTANCE).map((instance) => [instance.name, instance.dependsOn])).toEqual([
            ["acme-app-0-instance", undefined],
            ["acme-app-1-instance", ["acme-app-0-target"]],
            ["acme-app-2-instance", ["acme-app-1-target"]],
        ]);
        expect(ofType(resources, TARGET_ATTACHMENT).map((target) => [target.name, target.dependsOn])).toEqual(
            [0, 1, 2].map((i) => [`acme-app-${i}-target`, [`acme-app-${i}-admin-eni`, `acme-app-${i}-admin-eni-attachment`, `acme-app-${i}-data`, `acme-app-${i}-data-attachment`]]),
        );
    });

    it("GIVEN no target group WHEN planned THEN each server after the first waits for the previous server's attachments", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { targetGroupArn: undefined, count: 2 }), { provider });
        });
        expect(named(plan.resources, "acme-app-1-instance").dependsOn).toEqual([
            "acme-app-0-admin-eni",
            "acme-app-0-admin-eni-attachment",
            "acme-app-0-data",
            "acme-app-0-data-attachment",
            "acme-app-0-instance",
        ]);
    });

    it("GIVEN the servers WHEN planned THEN their interface and volume attachments are replaced delete-before-create and the instances, on shared hardware, create-before-delete", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider)), { provider });
        });
        // EC2 attaches an interface or a volume to one instance at a time: the old attachment goes first.
        for (const attachment of [...ofType(plan.resources, ENI_ATTACHMENT), ...ofType(plan.resources, VOLUME_ATTACHMENT)]) {
            expect(attachment.deleteBeforeReplace, attachment.name).toBe(true);
        }
        expect(ofType(plan.resources, ENI_ATTACHMENT)).toHaveLength(3);
        expect(ofType(plan.resources, VOLUME_ATTACHMENT)).toHaveLength(3);
        expect(ofType(plan.resources, INSTANCE).map((instance) => instance.deleteBeforeReplace)).toEqual([undefined, undefined, undefined]);
        expect(ofType(plan.resources, TARGET_ATTACHMENT).map((target) => target.deleteBeforeReplace)).toEqual([undefined, undefined, undefined]);
    });

    it("GIVEN the pinned image's name WHEN planned THEN every instance carries it as its ImageName tag, and no other resource does", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { imageName: "al2023-ami-2023.11.20260526.0-kernel-6.1-x86_64" }), { provider });
        });
        for (const instance of ofType(plan.resources, INSTANCE)) {
            expect(instance.inputs.tags, instance.name).toEqual({ Name: instance.name.replace(/-instance$/, ""), PatchGroup: "acme-app", ImageName: "al2023-ami-2023.11.20260526.0-kernel-6.1-x86_64" });
        }
        expect(plan.resources.filter((resource) => resource.type !== INSTANCE && JSON.stringify(resource.inputs).includes("ImageName"))).toEqual([]);
    });

    it("GIVEN no target group WHEN planned THEN nothing is registered", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { targetGroupArn: undefined, count: 1 }), { provider });
        });
        expect(ofType(plan.resources, INSTANCE)).toHaveLength(1);
        expect(ofType(plan.resources, TARGET_ATTACHMENT)).toEqual([]);
    });

    it("GIVEN a dedicated host per server WHEN planned THEN every instance has host tenancy on its own host", async () => {
        const { plan } = await planProgram((provider) => {
            const net = tenantNetwork(provider);
            const host = (name: string) => new aws.ec2.DedicatedHost(name, { availabilityZone: "eu-west-1a", instanceFamily: "m7i" }, { provider });
            const [first, second] = [host("net-host-0"), host("net-host-1")];
            new AppServers(
                "acme-app",
                appServersArgs(net, {
                    count: 3,
                    accessSubnetIds: [net.access[0].id],
                    adminSubnetIds: [net.admin[0].id],
                    availabilityZones: ["eu-west-1a"],
                    hostIds: [first.id, first.id, second.id],
                }),
                { provider },
            );
        });
        const first = named(plan.resources, "net-host-0").id;
        const second = named(plan.resources, "net-host-1").id;
        const instances = ofType(plan.resources, INSTANCE);
        // A host has room only for the servers packed onto it: the old instance goes before the new one launches.
        expect(instances.map((i) => i.deleteBeforeReplace)).toEqual([true, true, true]);
        expect(instances.map((i) => [i.name, i.inputs.tenancy, i.inputs.hostId, i.inputs.availabilityZone])).toEqual([
            ["acme-app-0-instance", "host", first, "eu-west-1a"],
            ["acme-app-1-instance", "host", first, "eu-west-1a"],
            ["acme-app-2-instance", "host", second, "eu-west-1a"],
        ]);
    });

    it("GIVEN fewer host ids than servers WHEN constructed THEN it fails asking for one per server", async () => {
        await expect(
            planProgram((provider) => {
                const net = tenantNetwork(provider);
                new AppServers(
                    "acme-app",
                    appServersArgs(net, { count: 2, accessSubnetIds: [net.access[0].id], adminSubnetIds: [net.admin[0].id], availabilityZones: ["eu-west-1a"], hostIds: ["h-0123456789abcdef0"] }),
                    { provider },
                );
            }),
        ).rejects.toThrow(/hostIds: 1 host ids for 2 servers are not allowed; expected one host id per server/);
    });

    it("GIVEN the servers WHEN planned THEN the outputs name every instance and the groups", async () => {
        const { plan } = await planProgram((provider) => {
            const servers = new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { count: 2 }), { provider });
            return { instanceIds: servers.instanceIds, instanceArns: servers.instanceArns, access: servers.accessSecurityGroupId, admin: servers.adminSecurityGroupId, role: servers.roleArn };
        });
        const instances = ofType(plan.resources, INSTANCE);
        expect(plan.outputs.instanceIds).toEqual(instances.map((i) => i.id));
        expect(plan.outputs.instanceArns).toEqual(instances.map((i) => `arn:aws:ec2:eu-west-1:123456789012:instance/${i.id}`));
        expect(plan.outputs.access).toBe(named(plan.resources, "acme-app-access-sg").id);
        expect(plan.outputs.admin).toBe(named(plan.resources, "acme-app-admin-sg").id);
        expect(plan.outputs.role).toBe(`arn:aws:iam::123456789012:role/${named(plan.resources, "acme-app-role").id}`);
    });

    it("GIVEN no server but a launch template (an idle recovery environment) WHEN planned THEN no server, but the groups, role and a dual-NIC template", async () => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { count: 0, launchTemplate: true }), { provider });
        });
        expect(ofType(plan.resources, INSTANCE)).toEqual([]);
        expect(ofType(plan.resources, TARGET_ATTACHMENT)).toEqual([]);
        const access = named(plan.resources, "acme-app-access-sg");
        const admin = named(plan.resources, "acme-app-admin-sg");
        const profile = ofType(plan.resources, "aws:iam/instanceProfile:InstanceProfile");
        expect(profile).toHaveLength(1);
        const templates = ofType(plan.resources, "aws:ec2/launchTemplate:LaunchTemplate");
        expect(templates).toHaveLength(1);
        for (const template of templates) {
            expect(template.inputs.networkInterfaces).toMatchObject([
                { deviceIndex: 0, securityGroups: [access.id], associatePublicIpAddress: "false" },
                { deviceIndex: 1, securityGroups: [admin.id] },
            ]);
            expect(template.inputs.metadataOptions).toMatchObject({ httpTokens: "required" });
            expect((template.inputs.blockDeviceMappings as { ebs: { encrypted: string } }[]).map((mapping) => mapping.ebs.encrypted)).toEqual(["true", "true"]);
        }
    });

    it.each([
        ["t2.micro", false],
        ["m3.medium", false],
        ["r3.8xlarge", false],
        ["m3.xlarge", true],
        ["m7i.large", true],
        ["m7g.large", true],
    ])("GIVEN instance type %s WHEN its servers and recovery template are planned THEN they ask for EBS optimization only where EC2 offers it (%s)", async (instanceType, optimized) => {
        const { plan } = await planProgram((provider) => {
            new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { count: 2, launchTemplate: true, instanceType }), { provider });
        });
        const instances = ofType(plan.resources, INSTANCE);
        expect(instances).toHaveLength(2);
        expect(instances.map((instance) => instance.inputs.ebsOptimized)).toEqual([optimized, optimized]);
        expect(ofType(plan.resources, "aws:ec2/launchTemplate:LaunchTemplate").map((template) => template.inputs.ebsOptimized)).toEqual([String(optimized)]);
    });

    it("GIVEN no servers WHEN constructed THEN it fails naming the count", async () => {
        await expect(
            planProgram((provider) => {
                new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { count: 0 }), { provider });
            }),
        ).rejects.toThrow(/count: 0 is not allowed; expected a whole number of servers from 1 to 10/);
    });

    it("GIVEN a data volume of 10 GiB WHEN constructed THEN it fails naming the field before creating any server", async () => {
        await expect(
            planProgram((provider) => {
                new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { dataVolumeGiB: 10 }), { provider });
            }),
        ).rejects.toThrow(/dataVolumeGiB: 10 is not allowed; expected a whole number of GiB from 20 to 65536/);
    });

    it("GIVEN a dedicated host and two zones WHEN constructed THEN it fails asking for the host's zone only", async () => {
        await expect(
            planProgram((provider) => {
                new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { hostIds: ["h-0123456789abcdef0", "h-0123456789abcdef0"] }), { provider });
            }),
        ).rejects.toThrow(/availabilityZones: 2 zones are not allowed with hostIds/);
    });

    it("GIVEN fewer admin subnets than zones WHEN constructed THEN it fails naming the lengths", async () => {
        await expect(
            planProgram((provider) => {
                const net = tenantNetwork(provider);
                new AppServers("acme-app", appServersArgs(net, { adminSubnetIds: [net.admin[0].id] }), { provider });
            }),
        ).rejects.toThrow(/accessSubnetIds, adminSubnetIds, availabilityZones: lengths 2, 1, 2 are not allowed/);
    });

    it("GIVEN an admin port out of range WHEN constructed THEN it fails naming the port", async () => {
        await expect(
            planProgram((provider) => {
                new AppServers("acme-app", appServersArgs(tenantNetwork(provider), { adminPorts: [22, 70000] }), { provider });
            }),
        ).rejects.toThrow(/adminPorts: 70000 is not allowed; expected TCP ports from 1 to 65535/);
    });

    const valid = {
        count: 2,
        subnetsPerZone: { accessSubnetIds: 2, adminSubnetIds: 2, availabilityZones: 2 },
        appPort: 443,
        adminPorts: [22],
        egressPorts: [5432, 443],
        dataVolumeGiB: 100,
        hostIds: undefined,
    };
    it.each([
        [16384, { type: "gp3" }],
        [16385, { type: "io2", iops: IO2_IOPS }],
        [65536, { type: "io2", iops: IO2_IOPS }],
    ])("GIVEN a %i GiB data volume WHEN typed THEN it is %j", (size, expected) => {
        expect(dataVolumeType(size)).toEqual(expected);
    });

    it.each([
        ["valid args", {}, []],
        ["10 servers", { count: 10 }, []],
        ["11 servers", { count: 11 }, ["count: 11 is not allowed; expected a whole number of servers from 1 to 10"]],
        ["1.5 servers", { count: 1.5 }, ["count: 1.5 is not allowed; expected a whole number of servers from 1 to 10"]],
        ["no zones", { subnetsPerZone: { accessSubnetIds: 0, adminSubnetIds: 0, availabilityZones: 0 } }, [expect.stringMatching(/^accessSubnetIds, adminSubnetIds, availabilityZones: lengths 0, 0, 0 are not allowed/)]],
        ["more access subnets than zones", { subnetsPerZone: { accessSubnetIds: 3, adminSubnetIds: 2, availabilityZones: 2 } }, [expect.stringMatching(/lengths 3, 2, 2 are not allowed/)]],
        ["a host with one zone", { hostIds: 2, subnetsPerZone: { accessSubnetIds: 1, adminSubnetIds: 1, availabilityZones: 1 } }, []],
        ["a host with two zones", { hostIds: 2 }, [expect.stringMatching(/^availabilityZones: 2 zones are not allowed with hostIds/)]],
        ["one host id for two servers", { hostIds: 1, subnetsPerZone: { accessSubnetIds: 1, adminSubnetIds: 1, availabilityZones: 1 } }, ["hostIds: 1 host ids for 2 servers are not allowed; expected one host id per server (the same id for servers sharing a host)"]],
        ["app port 0", { appPort: 0 }, ["appPort: 0 is not allowed; expected TCP ports from 1 to 65535"]],
        ["no admin ports", { adminPorts: [] }, []],
        ["egress port 65536", { egressPorts: [443, 65536] }, ["egressPorts: 65536 is not allowed; expected TCP ports from 1 to 65535"]],
        ["SSH twice", { adminPorts: [22, 22] }, ["adminPorts: 22 is given more than once; expected each port once"]],
        ["a 19 GiB data volume", { dataVolumeGiB: 19 }, ["dataVolumeGiB: 19 is not allowed; expected a whole number of GiB from 20 to 65536"]],
        ["two problems", { count: 0, appPort: -1 }, [expect.stringMatching(/^count: 0/), expect.stringMatching(/^appPort: -1/)]],
    ])("GIVEN %s WHEN checked THEN exactly the expected problems are named", (_, overrides, expected) => {
        expect(appServersProblems({ ...valid, ...overrides })).toEqual(expected);
    });
});

describe("spreadOverZones", () => {
    it.each([
        [1, ["a", "b"], ["a"]],
        [2, ["a", "b"], ["a", "b"]],
        [3, ["a", "b"], ["a", "b", "a"]],
        [5, ["a", "b", "c"], ["a", "b", "c", "a", "b"]],
        [3, ["a"], ["a", "a", "a"]],
        [0, ["a", "b"], []],
        [2, [], []],
    ])("GIVEN %i servers over zones %j WHEN spread THEN they go to %j", (count, zones, expected) => {
        expect(spreadOverZones(count, zones)).toEqual(expected);
    });
});

describe("DualNicServer", () => {
    it("GIVEN a server WHEN planned THEN its addresses lie in its access and admin subnets and its outputs say so", async () => {
        const { plan } = await planProgram((provider) => {
            const net = tenantNetwork(provider);
            const server = new DualNicServer(
                "acme-db",
                {
                    accessSubnetId: net.access[1].id,
                    adminSubnetId: net.admin[1].id,
                    availabilityZone: "eu-west-1b",
                    accessSecurityGroupIds: [net.lbGroup.id],
                    adminSecurityGroupIds: [net.lbGroup.id],
                    instanceType: "r7i.large",
                    imageId: "ami-0123456789abcdef0",
                    instanceProfileName: "acme-db-profile",
                    kmsKeyArn: net.key.arn,
                    rootVolumeGiB: 50,
                    dataVolumeGiB: 500,
                    tags: { PatchGroup: "acme-db" },
                },
                { provider },
            );
            return { accessIp: server.accessIp, adminIp: server.adminIp, eni: server.adminNetworkInterfaceId, instanceId: server.instanceId };
        });
        const within = (cidr: string, ip: unknown) => containsAddress(parseCidr(cidr)!, parseAddress(String(ip))!);
        expect(within("10.20.2.0/24", plan.outputs.accessIp)).toBe(true);
        expect(within("10.20.12.0/24", plan.outputs.adminIp)).toBe(true);
        expect(plan.outputs.eni).toBe(named(plan.resources, "acme-db-admin-eni").id);
        expect(plan.outputs.instanceId).toBe(named(plan.resources, "acme-db-instance").id);
        expect(named(plan.resources, "acme-db-instance").inputs.rootBlockDevice).toMatchObject({ volumeSize: 50 });
        expect(named(plan.resources, "acme-db-data").inputs).toMatchObject({ size: 500, availabilityZone: "eu-west-1b", tags: { Name: "acme-db", PatchGroup: "acme-db" } });
        expect(named(plan.resources, "acme-db-admin-eni").inputs.tags).toEqual({ Name: "acme-db", PatchGroup: "acme-db" });
    });

    it("GIVEN a root volume of 4 GiB WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new DualNicServer(
                    "acme-db",
                    {
                        accessSubnetId: "subnet-a",
                        adminSubnetId: "subnet-b",
                        availabilityZone: "eu-west-1a",
                        accessSecurityGroupIds: [],
                        adminSecurityGroupIds: [],
                        instanceType: "r7i.large",
                        imageId: "ami-0123456789abcdef0",
                        instanceProfileName: "p",
                        kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
                        rootVolumeGiB: 4,
                        dataVolumeGiB: 100,
                    },
                    { provider },
                );
            }),
        ).rejects.toThrow(/rootVolumeGiB: 4 is not allowed; expected a whole number of GiB from 8 to 16384/);
    });

    it.each([
        ["the defaults' sizes", { rootVolumeGiB: 30, dataVolumeGiB: 100 }, []],
        ["the smallest sizes", { rootVolumeGiB: 8, dataVolumeGiB: 20 }, []],
        ["the largest sizes", { rootVolumeGiB: 16384, dataVolumeGiB: 65536 }, []],
        ["only a data volume", { dataVolumeGiB: 100 }, []],
        ["a 7 GiB root volume", { rootVolumeGiB: 7, dataVolumeGiB: 100 }, ["rootVolumeGiB: 7 is not allowed; expected a whole number of GiB from 8 to 16384"]],
        ["a 65537 GiB data volume", { rootVolumeGiB: 30, dataVolumeGiB: 65537 }, ["dataVolumeGiB: 65537 is not allowed; expected a whole number of GiB from 20 to 65536"]],
        ["a fractional root and a small data volume", { rootVolumeGiB: 30.5, dataVolumeGiB: 10 }, [expect.stringMatching(/^rootVolumeGiB: 30.5 is not allowed/), expect.stringMatching(/^dataVolumeGiB: 10 is not allowed/)]],
    ])("GIVEN %s WHEN checked THEN exactly the expected problems are named", (_, sizes, expected) => {
        expect(volumeSizeProblems(sizes)).toEqual(expected);
    });
});
