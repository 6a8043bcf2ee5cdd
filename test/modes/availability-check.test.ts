// The availability check on the graph every mode registers (offline plan, platform included): a
// check inside a VPC reaches what AWS requires for a canary without internet (CloudWatch's
// `monitoring` interface endpoint, the S3 gateway endpoint), and every check runs on the platform's
// `canaryRuntime`. AWS: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_VPC.html

import { beforeAll, describe, expect, it } from "vitest";

import { findingsOf } from "../../policy/rules/evaluate";
import { stackFromPlan } from "../../policy/rules/from-plan";
import { missingCanaryVpcEndpoints } from "../../policy/rules/network/missingCanaryVpcEndpoints";
import { PolicySettings, PolicyStack } from "../../policy/rules/types";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { DEFAULT_CANARY_RUNTIME } from "../../lib/canary-runtimes";
import { byId, ofType, stackOf } from "../graph";
import { platformFixture } from "../fixtures/platform-configs";
import { T } from "../resource-types";

const DOCS: TenantDocument[] = [
    { tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } },
    {
        tenant: "hooli",
        company: "Hooli",
        mode: "vpn",
        region: "eu-west-1",
        domain: { subdomain: "hooli" },
        network: { cidr: "10.50.0.0/22" },
        vpn: { customerGatewayIp: "81.2.69.142", bgpAsn: 65010, corporateCidrs: ["192.168.0.0/20", "10.200.0.0/16"] },
    },
];

const CANARY = T.canary;
const ENDPOINT = T.vpcEndpoint;
const EGRESS = T.egress;

let document: PlanDocument;

beforeAll(async () => {
    const tenants: Tenant[] = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
    document = await planFleet({ tenants, platformRegions: ["eu-west-1"] });
    expect(document.errors).toEqual([]);
});

describe("the availability check inside a VPN tenant's network", () => {
    it("GIVEN a vpn tenant WHEN planned THEN its network has CloudWatch's monitoring interface endpoint and an S3 gateway endpoint on every route table", () => {
        const plan = stackOf(document, "hooli");
        const vpc = ofType(plan, "aws:ec2/vpc:Vpc")[0]!;
        const endpoints = ofType(plan, ENDPOINT).filter((endpoint) => endpoint.inputs.vpcId === vpc.id);
        const monitoring = endpoints.filter((endpoint) => endpoint.inputs.serviceName === "com.amazonaws.eu-west-1.monitoring");
        expect(monitoring.map((endpoint) => [endpoint.inputs.vpcEndpointType, endpoint.inputs.privateDnsEnabled])).toEqual([["Interface", true]]);
        const s3 = endpoints.filter((endpoint) => endpoint.inputs.serviceName === "com.amazonaws.eu-west-1.s3");
        expect(s3.map((endpoint) => endpoint.inputs.vpcEndpointType)).toEqual(["Gateway"]);
        const routeTables = ofType(plan, "aws:ec2/routeTable:RouteTable").filter((table) => table.inputs.vpcId === vpc.id);
        expect([...(s3[0]!.inputs.routeTableIds as string[])].sort()).toEqual(routeTables.map((table) => table.id).sort());
        // The endpoints' group admits the canary's HTTPS: 443 from the whole VPC.
        const endpointGroups = (monitoring[0]!.inputs.securityGroupIds as string[]) ?? [];
        const admits = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((rule) => endpointGroups.includes(String(rule.inputs.securityGroupId)));
        expect(admits.map((rule) => [rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrIpv4])).toEqual([[443, 443, "10.50.0.0/22"]]);
    });

    it("GIVEN a vpn tenant WHEN planned THEN the canary's group lets HTTPS out to the VPC (app, monitoring endpoint) and to S3's prefix list (artifacts), nothing else", () => {
        const plan = stackOf(document, "hooli");
        const canary = ofType(plan, CANARY)[0]!;
        const { securityGroupIds, subnetIds } = canary.inputs.vpcConfig as { securityGroupIds: string[]; subnetIds: string[] };
        expect(securityGroupIds).toHaveLength(1);
        const vpc = ofType(plan, "aws:ec2/vpc:Vpc")[0]!;
        for (const subnet of subnetIds) {
            expect(byId(plan, subnet)?.inputs.vpcId).toBe(vpc.id);
        }
        const egress = ofType(plan, EGRESS).filter((rule) => rule.inputs.securityGroupId === securityGroupIds[0]);
        // The S3 prefix list is the gateway endpoint's: the same one the servers use for their packages.
        const serversS3 = ofType(plan, EGRESS).find((rule) => typeof rule.inputs.prefixListId === "string" && String(rule.inputs.description).includes("S3") && rule.inputs.securityGroupId !== securityGroupIds[0]);
        expect(serversS3).toBeDefined();
        expect(egress.map((rule) => [rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrIpv4 ?? rule.inputs.prefixListId])).toEqual([
            ["tcp", 443, 443, "10.50.0.0/22"],
            ["tcp", 443, 443, serversS3!.inputs.prefixListId],
        ]);
        expect(String(serversS3!.inputs.prefixListId)).toMatch(/^pl-/);
    });

    it("GIVEN a vpn tenant WHEN planned THEN only its canary role may manage network interfaces; the public tenant's may not", () => {
        const actionsOf = (id: string): string[] =>
            ofType(stackOf(document, id), "aws:iam/rolePolicy:RolePolicy")
                .filter((policy) => policy.name === `${id}-check-role-policy`)
                .flatMap((policy) => (JSON.parse(String(policy.inputs.policy)) as { Statement: { Action: string | string[] }[] }).Statement.flatMap((statement) => [statement.Action].flat()));
        expect(actionsOf("hooli")).toEqual(expect.arrayContaining(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]));
        expect(actionsOf("acme").filter((action) => action.startsWith("ec2:"))).toEqual([]);
        expect(ofType(stackOf(document, "acme"), CANARY)[0]!.inputs.vpcConfig).toBeUndefined();
    });
});

describe("the canary runtime", () => {
    it("GIVEN the platform's default setting WHEN planned THEN the platform exports it and every check, the platform's and each tenant's, runs on it", () => {
        const platform = stackOf(document, "platform-eu-west-1");
        expect(platform.outputs.canaryRuntime).toBe(DEFAULT_CANARY_RUNTIME);
        for (const id of ["platform-eu-west-1", "acme", "hooli"]) {
            expect(ofType(stackOf(document, id), CANARY).map((canary) => canary.inputs.runtimeVersion), id).toEqual([DEFAULT_CANARY_RUNTIME]);
        }
    });

    it("GIVEN a platform file with a runtime the data does not list WHEN planned THEN the platform fails, at the setting in its file, naming the value", async () => {
        const tenants = [resolveTenant(DOCS[0]!, "fixtures/acme.yaml")];
        const refused = await planFleet({ tenants, platformRegions: ["eu-west-1"], platforms: platformFixture(["eu-west-1"], { canaryRuntime: "syn-nodejs-puppeteer-99.9" }) });
        expect(refused.errors).toContainEqual({
            file: "platform-configs/eu-west-1.yaml",
            line: expect.any(Number),
            column: 16,
            path: "/canaryRuntime",
            message: expect.stringMatching(/^"syn-nodejs-puppeteer-99\.9" is not a runtime listed in lib\/canary-runtimes\.json/),
        });
        expect(refused.tenants.map((plan) => plan.tenant)).not.toContain("platform-eu-west-1");
    });
});

describe("policy: a canary in a VPC reaches CloudWatch and S3 (synthetics-canary-vpc-endpoints)", () => {
    const SETTINGS: PolicySettings = { operationsCidrs: ["10.15.64.0/19"], otherTenants: [] };
    const hooli = (): PolicyStack => stackFromPlan(stackOf(document, "hooli"));
    const without = (stack: PolicyStack, drop: (resource: PolicyStack["resources"][number]) => boolean): PolicyStack => ({ ...stack, resources: stack.resources.filter((resource) => !drop(resource)) });

    it("GIVEN the planned vpn and cloud tenants WHEN checked THEN nothing is found", () => {
        expect(findingsOf(missingCanaryVpcEndpoints, hooli(), SETTINGS)).toEqual([]);
        expect(findingsOf(missingCanaryVpcEndpoints, stackFromPlan(stackOf(document, "acme")), SETTINGS)).toEqual([]);
    });

    it("GIVEN the canary's S3 egress removed WHEN checked THEN it is reported", () => {
        const stack = without(hooli(), (resource) => resource.name === "hooli-check-sg-s3-out");
        expect(findingsOf(missingCanaryVpcEndpoints, stack, SETTINGS).map((finding) => `${finding.resource}: ${finding.message}`)).toEqual([
            expect.stringMatching(/^hooli-check-canary: its security groups \["sg-[0-9a-f]+"\] let no HTTPS \(tcp 443\) out to S3's prefix list \(the gateway endpoint hooli-network-s3-endpoint's\)$/),
        ]);
    });

    it("GIVEN the network without its monitoring or S3 endpoint WHEN checked THEN each missing endpoint is reported", () => {
        const noMonitoring = without(hooli(), (resource) => resource.name === "hooli-network-monitoring-endpoint");
        expect(findingsOf(missingCanaryVpcEndpoints, noMonitoring, SETTINGS)).toEqual([
            { resource: "hooli-check-canary", message: "its VPC has no CloudWatch interface endpoint (com.amazonaws.<region>.monitoring): the canary cannot publish SuccessPercent" },
        ]);
        const noS3 = without(hooli(), (resource) => resource.name === "hooli-network-s3-endpoint");
        expect(findingsOf(missingCanaryVpcEndpoints, noS3, SETTINGS)).toEqual([
            { resource: "hooli-check-canary", message: "its VPC has no S3 gateway endpoint (com.amazonaws.<region>.s3): the canary cannot upload its artifacts" },
        ]);
    });

    it("GIVEN the VPC without DNS hostnames WHEN checked THEN it is reported, as AWS refuses a canary there", () => {
        const stack = hooli();
        const changed: PolicyStack = {
            ...stack,
            resources: stack.resources.map((resource) => (resource.type === "aws:ec2/vpc:Vpc" ? { ...resource, props: { ...resource.props, enableDnsHostnames: false } } : resource)),
        };
        expect(findingsOf(missingCanaryVpcEndpoints, changed, SETTINGS)).toEqual([
            { resource: "hooli-check-canary", message: "its VPC hooli-network-vpc has enableDnsSupport true and enableDnsHostnames false; AWS requires both true for a canary in a VPC" },
        ]);
    });

    it("GIVEN the canary's HTTPS to the VPC removed WHEN checked THEN the monitoring endpoint is reported unreachable", () => {
        const stack = without(hooli(), (resource) => resource.name === "hooli-check-sg-https-out");
        expect(findingsOf(missingCanaryVpcEndpoints, stack, SETTINGS).map((finding) => finding.message)).toEqual([
            expect.stringContaining("let no HTTPS (tcp 443) out to the monitoring endpoint hooli-network-monitoring-endpoint"),
        ]);
    });
});
