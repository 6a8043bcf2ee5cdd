import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import { TenantNetwork, TenantNetworkArgs } from "../../components/tenant-network";
import { PlannedResource } from "../../scripts/lib/plan/engine";
import { byId, named, ofType, planProgram } from "../helpers";
import { T } from "../resource-types";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-eu-west-1-operations";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const TGW = "tgw-0a1b2c3d4e5f60718";
const OPERATIONS = ["10.15.0.0/16", "10.16.0.0/20"];
const SUSPICIOUS = ["45.155.205.0/24", "185.156.73.0/24", "193.32.162.0/24"];

/**
 * The lists a stack passes come from the platform's StackReference: Outputs whose length is not
 * known at registration, which is what the component must cope with.
 */
function args(overrides: Partial<TenantNetworkArgs> = {}): TenantNetworkArgs {
    return {
        cidr: "10.20.0.0/16",
        availabilityZones: pulumi.output(["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        publicAccess: true,
        transitGatewayId: pulumi.output(TGW),
        operationsCidrs: pulumi.output(OPERATIONS),
        suspiciousNetworks: pulumi.output(SUSPICIOUS),
        flowLogKeyArn: KEY,
        alarmTopicArn: TOPIC,
        ...overrides,
    };
}

async function planNetwork(overrides: Partial<TenantNetworkArgs> = {}, name = "acme-network") {
    const { plan } = await planProgram((provider) => {
        const network = new TenantNetwork(name, args(overrides), { provider });
        return {
            vpcId: network.vpcId,
            cidr: network.cidr,
            subnetIds: network.subnetIds,
            subnetCidrs: network.subnetCidrs,
            routeTableIds: network.routeTableIds,
            availabilityZones: network.availabilityZones,
            operationsPrefixListId: network.operationsPrefixListId,
            directoryCidrs: network.directoryCidrs,
            flowLogGroupName: network.flowLogGroupName,
        };
    });
    return plan;
}

/** Registration order follows when inputs resolve, not the program's order. */
function sortedByName(resources: readonly PlannedResource[]): PlannedResource[] {
    return [...resources].sort((a, b) => a.name.localeCompare(b.name));
}

function routesOf(resources: readonly PlannedResource[], routeTable: PlannedResource): PlannedResource[] {
    return ofType(resources, T.route).filter((route) => route.inputs.routeTableId === routeTable.id);
}

describe("TenantNetwork", () => {
    it("GIVEN a /16 WHEN planned THEN six subnets, two per tier, take the plan's blocks in the first two zones with their tier tag and no public IPs", async () => {
        const plan = await planNetwork();
        const vpc = named(plan.resources, "acme-network-vpc");
        expect(vpc.inputs).toMatchObject({ cidrBlock: "10.20.0.0/16", enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: "acme-network-vpc" } });

        const subnets = sortedByName(ofType(plan.resources, T.subnet));
        expect(subnets.map((subnet) => [subnet.name, subnet.inputs.cidrBlock, subnet.inputs.availabilityZone, subnet.inputs.tags])).toEqual([
            ["acme-network-access-0", "10.20.0.0/19", "eu-west-1a", { Name: "acme-network-access-0", tier: "access" }],
            ["acme-network-access-1", "10.20.32.0/19", "eu-west-1b", { Name: "acme-network-access-1", tier: "access" }],
            ["acme-network-admin-0", "10.20.64.0/19", "eu-west-1a", { Name: "acme-network-admin-0", tier: "admin" }],
            ["acme-network-admin-1", "10.20.96.0/19", "eu-west-1b", { Name: "acme-network-admin-1", tier: "admin" }],
            ["acme-network-data-0", "10.20.128.0/19", "eu-west-1a", { Name: "acme-network-data-0", tier: "data" }],
            ["acme-network-data-1", "10.20.160.0/19", "eu-west-1b", { Name: "acme-network-data-1", tier: "data" }],
        ]);
        for (const subnet of subnets) {
            expect(subnet.inputs, subnet.name).toMatchObject({ vpcId: vpc.id, mapPublicIpOnLaunch: false });
        }
    });

    it("GIVEN the network WHEN planned THEN each tier has one route table associated with exactly its two subnets", async () => {
        const plan = await planNetwork();
        expect(ofType(plan.resources, T.routeTable).map((table) => table.name).sort()).toEqual(["acme-network-access-rt", "acme-network-admin-rt", "acme-network-data-rt"]);
        const associations = ofType(plan.resources, T.routeTableAssociation);
        expect(associations).toHaveLength(6);
        for (const tier of ["access", "admin", "data"]) {
            const table = named(plan.resources, `acme-network-${tier}-rt`);
            const associated = associations.filter((association) => association.inputs.routeTableId === table.id).map((association) => byId(plan.resources, association.inputs.subnetId)?.name)
                .sort();
            expect(associated, tier).toEqual([`acme-network-${tier}-0`, `acme-network-${tier}-1`]);
        }
    });

    it("GIVEN public access WHEN planned THEN an internet gateway and a 0.0.0.0/0 route exist on the access route table only", async () => {
        const plan = await planNetwork({ publicAccess: true });
        const vpc = named(plan.resources, "acme-network-vpc");
        const gateways = ofType(plan.resources, T.internetGateway);
        expect(gateways.map((gateway) => [gateway.name, gateway.inputs.vpcId])).toEqual([["acme-network-igw", vpc.id]]);
        const defaults = ofType(plan.resources, T.route).filter((route) => route.inputs.destinationCidrBlock === "0.0.0.0/0");
        expect(defaults.map((route) => [route.name, byId(plan.resources, route.inputs.routeTableId)?.name, route.inputs.gatewayId])).toEqual([
            ["acme-network-access-internet-route", "acme-network-access-rt", gateways[0]?.id],
        ]);
    });

    it("GIVEN no public access (VPN modes) WHEN planned THEN there is no internet gateway and no 0.0.0.0/0 route at all", async () => {
        const plan = await planNetwork({ publicAccess: false });
        expect(ofType(plan.resources, T.internetGateway)).toEqual([]);
        expect(ofType(plan.resources, T.route).filter((route) => route.inputs.destinationCidrBlock === "0.0.0.0/0" || route.inputs.gatewayId !== undefined)).toEqual([]);
        expect(routesOf(plan.resources, named(plan.resources, "acme-network-access-rt"))).toEqual([]);
    });

    it("GIVEN operations CIDRs known only at deployment WHEN planned THEN the admin route table's only route goes to the Transit Gateway through a prefix list of exactly those CIDRs", async () => {
        const plan = await planNetwork();
        const prefixList = named(plan.resources, "acme-network-operations-pl");
        expect(ofType(plan.resources, T.prefixList)).toHaveLength(1);
        expect(prefixList.inputs).toMatchObject({ name: "acme-network-operations", addressFamily: "IPv4", maxEntries: 10 });
        expect(prefixList.inputs.entries).toEqual(OPERATIONS.map((cidr) => ({ cidr, description: "Operations network" })));

        const routes = routesOf(plan.resources, named(plan.resources, "acme-network-admin-rt"));
        expect(routes.map((route) => [route.name, route.inputs])).toEqual([
            ["acme-network-admin-operations-route", expect.objectContaining({ destinationPrefixListId: prefixList.id, transitGatewayId: TGW })],
        ]);
        expect(Object.keys(routes[0]?.inputs ?? {}).filter((key) => /^(destination|.*(Gateway|Interface|Endpoint|Peering).*Id$)/.test(key)).sort()).toEqual([
            "destinationPrefixListId",
            "transitGatewayId",
        ]);
    });

    it("GIVEN the network WHEN planned THEN the data route table has no routes beyond the local one", async () => {
        const plan = await planNetwork();
        expect(routesOf(plan.resources, named(plan.resources, "acme-network-data-rt"))).toEqual([]);
        expect(named(plan.resources, "acme-network-data-rt").inputs.routes).toBeUndefined();
    });

    it("GIVEN the operations Transit Gateway WHEN planned THEN it is attached on exactly the two admin subnets", async () => {
        const plan = await planNetwork();
        const attachments = ofType(plan.resources, T.tgwAttachment);
        expect(attachments).toHaveLength(1);
        expect(attachments[0]?.inputs).toMatchObject({ transitGatewayId: TGW, vpcId: named(plan.resources, "acme-network-vpc").id });
        expect(attachments[0]?.inputs.subnetIds).toEqual([named(plan.resources, "acme-network-admin-0").id, named(plan.resources, "acme-network-admin-1").id]);
    });

    it.each([true, false])("GIVEN publicAccess %s WHEN planned THEN the admin tier has no route to the internet", async (publicAccess) => {
        const plan = await planNetwork({ publicAccess });
        const admin = named(plan.resources, "acme-network-admin-rt");
        const gatewayIds = new Set(ofType(plan.resources, T.internetGateway).map((gateway) => gateway.id));
        for (const route of routesOf(plan.resources, admin)) {
            expect(route.inputs.destinationCidrBlock, route.name).toBeUndefined();
            expect(gatewayIds.has(String(route.inputs.gatewayId)), route.name).toBe(false);
            expect(route.inputs.natGatewayId, route.name).toBeUndefined();
        }
        // Nor by borrowing a table that has one: admin subnets use the admin table only.
        const adminSubnets = new Set([named(plan.resources, "acme-network-admin-0").id, named(plan.resources, "acme-network-admin-1").id]);
        const tablesOfAdminSubnets = ofType(plan.resources, T.routeTableAssociation).filter((association) => adminSubnets.has(String(association.inputs.subnetId))).map((association) => association.inputs.routeTableId);
        expect(tablesOfAdminSubnets).toEqual([admin.id, admin.id]);
    });

    it.each([
        ["public access", true, [{ ruleNo: 1004, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 443, toPort: 443 }, { ruleNo: 1005, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 80, toPort: 80 }]],
        ["no public access", false, []],
    ])(
        "GIVEN suspicious networks known only at deployment and %s WHEN planned THEN one network ACL on all six subnets denies each both ways, then admits only private ranges, replies and (public) HTTPS/HTTP",
        async (_, publicAccess, publicRules) => {
            const plan = await planNetwork({ publicAccess });
            const acls = ofType(plan.resources, T.networkAcl);
            expect(acls).toHaveLength(1);
            const acl = acls[0] as PlannedResource;
            const subnetIds = ["access", "admin", "data"].flatMap((tier) => [0, 1].map((i) => named(plan.resources, `acme-network-${tier}-${i}`).id));
            expect(acl.inputs.subnetIds).toEqual(subnetIds);
            const denies = [
                { ruleNo: 100, action: "deny", protocol: "-1", cidrBlock: "45.155.205.0/24", fromPort: 0, toPort: 0 },
                { ruleNo: 101, action: "deny", protocol: "-1", cidrBlock: "185.156.73.0/24", fromPort: 0, toPort: 0 },
                { ruleNo: 102, action: "deny", protocol: "-1", cidrBlock: "193.32.162.0/24", fromPort: 0, toPort: 0 },
            ];
            expect(acl.inputs.ingress).toEqual([
                ...denies,
                { ruleNo: 1000, action: "allow", protocol: "-1", cidrBlock: "10.0.0.0/8", fromPort: 0, toPort: 0 },
                { ruleNo: 1001, action: "allow", protocol: "-1", cidrBlock: "172.16.0.0/12", fromPort: 0, toPort: 0 },
                { ruleNo: 1002, action: "allow", protocol: "-1", cidrBlock: "192.168.0.0/16", fromPort: 0, toPort: 0 },
                { ruleNo: 1003, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 65535 },
                ...publicRules,
            ]);
            expect(acl.inputs.egress).toEqual([...denies, { ruleNo: 32766, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }]);
        },
    );

    it("GIVEN a flow-log key WHEN planned THEN all VPC traffic is logged to a log group encrypted with it, kept a year, through a role that may write only there", async () => {
        const plan = await planNetwork();
        const group = named(plan.resources, "acme-network-flow-logs");
        expect(group.inputs).toMatchObject({ name: "/vpc/flow-logs/acme-network", kmsKeyId: KEY, retentionInDays: 365 });
        const groupArn = "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/flow-logs/acme-network";

        const flowLogs = ofType(plan.resources, "aws:ec2/flowLog:FlowLog");
        expect(flowLogs).toHaveLength(1);
        const role = named(plan.resources, "acme-network-flow-logs-role");
        expect(flowLogs[0]?.inputs).toMatchObject({
            vpcId: named(plan.resources, "acme-network-vpc").id,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: groupArn,
            iamRoleArn: `arn:aws:iam::123456789012:role/${role.id}`,
        });
        expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
        const policy = named(plan.resources, "acme-network-flow-logs-role-policy");
        expect(policy.inputs.role).toBe(role.id);
        expect(JSON.parse(String(policy.inputs.policy)).Statement).toEqual([
            { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [groupArn, `${groupArn}:*`] },
        ]);
    });

    it("GIVEN the flow logs WHEN planned THEN a metric filter sums the packets of REJECT records and its alarm warns the topic of attempts on blocked ports", async () => {
        const plan = await planNetwork();
        const filter = named(plan.resources, "acme-network-rejected-packets");
        expect(filter.inputs.logGroupName).toBe("/vpc/flow-logs/acme-network");
        expect(filter.inputs.pattern).toMatch(/action="REJECT"/);
        expect(filter.inputs.metricTransformation).toEqual({
            name: "acme-network-rejected-packets",
            namespace: "TenantPlatform/Network",
            value: "$packets",
            defaultValue: "0",
            unit: "Count",
        });
        const alarm = named(plan.resources, "acme-network-blocked-ports-alarm");
        expect(alarm.inputs).toMatchObject({
            namespace: "TenantPlatform/Network",
            metricName: "acme-network-rejected-packets",
            statistic: "Sum",
            period: 300,
            threshold: 1000,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            alarmActions: [TOPIC],
        });
        expect(String(alarm.inputs.alarmDescription)).toMatch(/^Attempts on blocked ports in acme-network/);
    });

    it("GIVEN overrides WHEN planned THEN the threshold, retention and interface endpoints follow them", async () => {
        const plan = await planNetwork({ blockedAttemptsThreshold: 50, flowLogRetentionDays: 731, interfaceEndpoints: ["ssm", "ecr.api"] });
        expect(named(plan.resources, "acme-network-blocked-ports-alarm").inputs.threshold).toBe(50);
        expect(named(plan.resources, "acme-network-flow-logs").inputs.retentionInDays).toBe(731);
        expect(sortedByName(ofType(plan.resources, T.vpcEndpoint)).map((endpoint) => [endpoint.name, endpoint.inputs.serviceName])).toEqual([
            ["acme-network-ecr-api-endpoint", "com.amazonaws.eu-west-1.ecr.api"],
            ["acme-network-s3-endpoint", "com.amazonaws.eu-west-1.s3"],
            ["acme-network-ssm-endpoint", "com.amazonaws.eu-west-1.ssm"],
        ]);
    });

    it("GIVEN the defaults WHEN planned THEN S3 is a gateway on all three route tables and SSM, Secrets Manager and CloudWatch metrics are reached through private interface endpoints in the admin subnets admitting HTTPS from the VPC only", async () => {
        const plan = await planNetwork({ publicAccess: false });
        const tables = ["access", "admin", "data"].map((tier) => named(plan.resources, `acme-network-${tier}-rt`).id);
        const adminSubnets = [named(plan.resources, "acme-network-admin-0").id, named(plan.resources, "acme-network-admin-1").id];
        const group = named(plan.resources, "acme-network-endpoints-sg");
        expect(group.inputs.description).toBe("Interface endpoints of acme-network: HTTPS from the VPC only");

        const endpoints = ofType(plan.resources, T.vpcEndpoint);
        expect(endpoints.map((endpoint) => endpoint.name).sort()).toEqual([
            "acme-network-ec2messages-endpoint",
            "acme-network-monitoring-endpoint",
            "acme-network-s3-endpoint",
            "acme-network-secretsmanager-endpoint",
            "acme-network-ssm-endpoint",
            "acme-network-ssmmessages-endpoint",
        ]);
        expect(named(endpoints, "acme-network-s3-endpoint").inputs).toMatchObject({ serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway", routeTableIds: tables });
        for (const service of ["ssm", "ssmmessages", "ec2messages", "secretsmanager", "monitoring"]) {
            expect(named(endpoints, `acme-network-${service}-endpoint`).inputs, service).toMatchObject({
                serviceName: `com.amazonaws.eu-west-1.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: adminSubnets,
                securityGroupIds: [group.id],
            });
        }
        expect(ofType(plan.resources, T.ingress).map((rule) => rule.inputs)).toEqual([
            expect.objectContaining({ securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.20.0.0/16" }),
        ]);
        expect(ofType(plan.resources, T.egress)).toEqual([]);
    });

    it("GIVEN the VPC WHEN planned THEN its default security group is adopted without any rule", async () => {
        const plan = await planNetwork();
        const groups = ofType(plan.resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
        expect(groups).toHaveLength(1);
        expect(groups[0]?.inputs.vpcId).toBe(named(plan.resources, "acme-network-vpc").id);
        expect(groups[0]?.inputs.ingress).toBeUndefined();
        expect(groups[0]?.inputs.egress).toBeUndefined();
    });

    it("GIVEN the network WHEN planned THEN its outputs name its resources and reserve the directory pair", async () => {
        const plan = await planNetwork();
        const id = (name: string) => named(plan.resources, name).id;
        expect(plan.outputs).toEqual({
            vpcId: id("acme-network-vpc"),
            cidr: "10.20.0.0/16",
            subnetIds: {
                access: [id("acme-network-access-0"), id("acme-network-access-1")],
                admin: [id("acme-network-admin-0"), id("acme-network-admin-1")],
                data: [id("acme-network-data-0"), id("acme-network-data-1")],
            },
            subnetCidrs: {
                access: ["10.20.0.0/19", "10.20.32.0/19"],
                admin: ["10.20.64.0/19", "10.20.96.0/19"],
                data: ["10.20.128.0/19", "10.20.160.0/19"],
            },
            routeTableIds: { access: id("acme-network-access-rt"), admin: id("acme-network-admin-rt"), data: id("acme-network-data-rt") },
            availabilityZones: ["eu-west-1a", "eu-west-1b"],
            operationsPrefixListId: id("acme-network-operations-pl"),
            directoryCidrs: ["10.20.192.0/19", "10.20.224.0/19"],
            flowLogGroupName: "/vpc/flow-logs/acme-network",
        });
    });

    it("GIVEN the network WHEN planned THEN every child is parented to the component and named after it", async () => {
        const plan = await planNetwork();
        const children = plan.resources.filter((resource) => resource.type !== "pulumi:providers:aws" && resource.name !== "acme-network");
        expect(children.length).toBeGreaterThan(30);
        for (const resource of children) {
            expect(resource.parent, resource.name).toBe("acme-network");
            expect(resource.name, resource.type).toMatch(/^acme-network-/);
        }
        expect(named(plan.resources, "acme-network").type).toBe("tenant-platform:network:TenantNetwork");
    });

    it("GIVEN more suspicious networks than a network ACL holds, known only at deployment WHEN planned THEN the plan fails naming the list", async () => {
        const tooMany = pulumi.output(Array.from({ length: 15 }, (_, i) => `198.51.${i}.0/24`));
        await expect(planNetwork({ suspiciousNetworks: tooMany })).rejects.toThrow(/suspiciousNetworks: has 15 entries; a network ACL holds at most 14 besides its 6 allow rules/);
    });

    it("GIVEN a single availability zone known only at deployment WHEN planned THEN the plan fails naming the field", async () => {
        await expect(planNetwork({ availabilityZones: pulumi.output(["eu-west-1a"]) })).rejects.toThrow(/acme-network: availabilityZones has 1 zone\(s\); expected at least 2/);
    });

    it("GIVEN a VPC and an interface endpoint WHEN planned THEN the mocks answer AWS-shaped computed attributes", async () => {
        const { plan } = await planProgram((provider) => {
            const network = new TenantNetwork("acme-network", args(), { provider });
            const vpc = new aws.ec2.Vpc("probe-vpc", { cidrBlock: "10.30.0.0/16" }, { provider });
            const endpoint = new aws.ec2.VpcEndpoint(
                "probe-endpoint",
                { vpcId: vpc.id, serviceName: "com.amazonaws.eu-west-1.ssm", vpcEndpointType: "Interface", subnetIds: network.subnetIds.admin },
                { provider },
            );
            return {
                defaultSecurityGroupId: vpc.defaultSecurityGroupId,
                defaultNetworkAclId: vpc.defaultNetworkAclId,
                mainRouteTableId: vpc.mainRouteTableId,
                dnsName: endpoint.dnsEntries.apply((entries) => entries[0]?.dnsName),
                networkInterfaceIds: endpoint.networkInterfaceIds,
            };
        });
        expect(plan.outputs.defaultSecurityGroupId).toMatch(/^sg-[0-9a-f]{17}$/);
        expect(plan.outputs.defaultNetworkAclId).toMatch(/^acl-[0-9a-f]{17}$/);
        expect(plan.outputs.mainRouteTableId).toMatch(/^rtb-[0-9a-f]{17}$/);
        expect(plan.outputs.dnsName).toMatch(/^vpce-[0-9a-f]{17}-[0-9a-f]{8}\.ssm\.eu-west-1\.vpce\.amazonaws\.com$/);
        expect(plan.outputs.networkInterfaceIds).toEqual([expect.stringMatching(/^eni-[0-9a-f]{17}$/), expect.stringMatching(/^eni-[0-9a-f]{17}$/)]);
    });

    it.each([
        ["a public CIDR", { cidr: "81.2.0.0/16" }, /cidr: "81\.2\.0\.0\/16" is not a private network/],
        ["a prefix out of range", { cidr: "10.20.0.0/26" }, /cidr: "10\.20\.0\.0\/26" has prefix \/26; a tenant network is \/16 to \/24/],
        ["a threshold of zero", { blockedAttemptsThreshold: 0 }, /blockedAttemptsThreshold: 0 is not allowed; expected a whole number of packets, at least 1/],
        ["an unsupported retention", { flowLogRetentionDays: 100 }, /flowLogRetentionDays: 100 is not allowed; expected one of 1, 3, 5/],
        ["a malformed service", { interfaceEndpoints: ["ssm", "com.amazonaws.eu-west-1.ssm "] }, /interfaceEndpoints\[1\]: "com\.amazonaws\.eu-west-1\.ssm " is not a service name/],
        ["a service listed twice", { interfaceEndpoints: ["ssm", "ssm"] }, /interfaceEndpoints\[1\]: "ssm" is listed twice/],
        ["a single availability zone", { availabilityZones: ["eu-west-1a"] }, /availabilityZones: has 1 zone\(s\); expected at least 2/],
    ])("GIVEN %s WHEN constructed THEN it fails naming the field", async (_, overrides, message) => {
        await expect(planNetwork(overrides as Partial<TenantNetworkArgs>, "bad-network")).rejects.toThrow(message);
    });
});
