// The platform stack and the modes that stand on it (`saas`, `dedicated-saas`, `physical`), on the
// graphs they register, planned together so that every StackReference reads the planned platform.

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { SECRET_PLACEHOLDER } from "../../lib/plan-document";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { renderTenant } from "../../scripts/lib/plan/summary";
import { subnetPlan } from "../../lib/network-plan";
import { BACKUP_PROMISE } from "../../lib/promises/backup-schedule";
import { loadServerImages, serverImage } from "../../stacks/config/server-images";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { adoptFormerCertificate } from "../../stacks/dedicated-saas";
import { PLATFORM_DEFAULTS, TENANT_SPACE } from "../../stacks/config/platform-settings";
import { FIXTURE_PLATFORM_SETTINGS, platformFixture } from "../fixtures/platform-configs";
import { byId, ofType, stackOf, strings, T, tagsOf } from "../graph";

const REGION = "eu-west-1";
const DOCS: TenantDocument[] = [
    { tenant: "solo", company: "Solo", mode: "saas", region: REGION },
    { tenant: "stark", company: "Stark", mode: "dedicated-saas", region: REGION, domain: { subdomain: "stark" } },
    { tenant: "wayne", company: "Wayne", mode: "dedicated-saas", region: REGION, environment: "demo", domain: { own: "pm.wayne.example" } },
    {
        tenant: "vault",
        company: "Vault",
        mode: "physical",
        region: REGION,
        domain: { own: "pm.vault.example" },
        network: { cidr: "10.60.0.0/16" },
        compute: { instanceType: "m6i.xlarge", instances: 3 },
        database: { instanceClass: "db.r6g.large", storageGiB: 20000 },
    },
    { tenant: "cloudy", company: "Cloudy", mode: "cloud", region: REGION, domain: { subdomain: "cloudy" }, network: { cidr: "10.61.0.0/16" } },
];
const tenants: Tenant[] = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));

let document: PlanDocument;
beforeAll(async () => {
    document = await planFleet({ tenants, platformRegions: [REGION], platforms: platformFixture([REGION]) });
    expect(document.errors).toEqual([]);
});

const planOf = (id: string): TenantPlan => stackOf(document, id);
const platform = (): TenantPlan => planOf(`platform-${REGION}`);
const one = (plan: TenantPlan, type: string) => {
    const found = ofType(plan, type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
};

describe("the platform stack", () => {
    it("GIVEN the platform WHEN planned THEN its shared VPC has three tiers in two AZs and shared dual-NIC servers", () => {
        const plan = platform();
        expect(one(plan, "aws:ec2/vpc:Vpc").inputs.cidrBlock).toBe(PLATFORM_DEFAULTS.networkCidr);
        const tiers = ofType(plan, T.subnet).map((subnet) => `${String(tagsOf(subnet).tier)} ${String(subnet.inputs.availabilityZone)}`).sort();
        expect(tiers).toEqual(["access eu-west-1a", "access eu-west-1b", "admin eu-west-1a", "admin eu-west-1b", "data eu-west-1a", "data eu-west-1b"]);
        const instances = ofType(plan, T.instance);
        expect(instances).toHaveLength(PLATFORM_DEFAULTS.appServerCount);
        for (const instance of instances) {
            const attachments = ofType(plan, T.eniAttachment).filter((attachment) => attachment.inputs.instanceId === instance.id);
            expect(attachments.map((attachment) => attachment.inputs.deviceIndex)).toEqual([1]);
        }
        expect(one(plan, T.rds).inputs).toMatchObject({ storageEncrypted: true, multiAz: true, deletionProtection: true });
        const lb = one(plan, T.loadBalancer);
        expect(lb.inputs.internal).toBe(false);
        expect(ofType(plan, T.webAclAssociation).map((association) => association.inputs.resourceArn)).toEqual([lb.id]);
    });

    it("GIVEN the platform WHEN planned THEN the app domain has its zone, a validated certificate and an alias to the shared ALB", () => {
        const plan = platform();
        const zone = one(plan, "aws:route53/zone:Zone");
        expect(zone.inputs.name).toBe(PLATFORM_DEFAULTS.baseDomain);
        expect(zone.retainOnDelete).toBe(true);
        const certificates = ofType(plan, "aws:acm/certificate:Certificate").filter((certificate) => certificate.inputs.validationMethod === "DNS");
        expect(certificates.map((certificate) => certificate.inputs.domainName)).toEqual([`app.${PLATFORM_DEFAULTS.baseDomain}`]);
        const records = ofType(plan, "aws:route53/record:Record").filter((record) => record.inputs.zoneId === zone.id);
        expect(records.map((record) => record.inputs.type).sort()).toEqual(["A", "CNAME"]);
    });

    it("GIVEN the platform WHEN planned THEN the Client VPN authenticates with the generated, imported certificates and reaches only administration networks", () => {
        const plan = platform();
        const endpoint = one(plan, "aws:ec2clientvpn/endpoint:Endpoint");
        const imports = ofType(plan, "aws:acm/certificate:Certificate").filter((certificate) => certificate.inputs.privateKey !== undefined);
        expect(imports).toHaveLength(2);
        for (const imported of imports) {
            expect(imported.inputs.privateKey).toBe(SECRET_PLACEHOLDER);
        }
        expect(imports.map((imported) => imported.id)).toEqual(expect.arrayContaining([endpoint.inputs.serverCertificateArn]));
        const chain = (endpoint.inputs.authenticationOptions as { type: string; rootCertificateChainArn: string }[])[0];
        expect(chain?.type).toBe("certificate-authentication");
        expect(imports.map((imported) => imported.id)).toContain(chain?.rootCertificateChainArn);
        expect(chain?.rootCertificateChainArn).not.toBe(endpoint.inputs.serverCertificateArn);
        expect(ofType(plan, "tls:index/privateKey:PrivateKey")).toHaveLength(3);

        const adminTier = subnetPlan(PLATFORM_DEFAULTS.networkCidr).admin;
        const authorized = ofType(plan, "aws:ec2clientvpn/authorizationRule:AuthorizationRule").map((rule) => rule.inputs.targetNetworkCidr);
        expect(authorized.sort()).toEqual([...adminTier, ...TENANT_SPACE].sort());
        const associations = ofType(plan, "aws:ec2clientvpn/networkAssociation:NetworkAssociation").map((association) => tagsOf(byId(plan, association.inputs.subnetId)).tier);
        expect(associations).toEqual(["admin", "admin"]);
        expect(strings(ofType(plan, "aws:ec2clientvpn/route:Route").map((route) => route.inputs))).not.toContain("0.0.0.0/0");
        expect(platform().outputs.operationsVpnClientKey).toBe(SECRET_PLACEHOLDER);
    });

    it("GIVEN the platform WHEN planned THEN audit and detection are on: multi-region CloudTrail with validation and S3 data events, GuardDuty, flow logs", () => {
        const plan = platform();
        const trail = one(plan, "aws:cloudtrail/trail:Trail");
        expect(trail.inputs).toMatchObject({ isMultiRegionTrail: true, enableLogFileValidation: true, includeGlobalServiceEvents: true });
        expect(JSON.stringify(trail.inputs.advancedEventSelectors)).toContain("AWS::S3::Object");
        expect(one(plan, "aws:guardduty/detector:Detector").inputs.enable).toBe(true);
        expect(one(plan, "aws:ec2/flowLog:FlowLog").inputs.vpcId).toBe(one(plan, "aws:ec2/vpc:Vpc").id);
        const topic = one(plan, "aws:sns/topic:Topic");
        const policy = JSON.parse(String(one(plan, "aws:sns/topicPolicy:TopicPolicy").inputs.policy)) as { Statement: { Principal: unknown }[] };
        expect(JSON.stringify(policy.Statement.map((statement) => statement.Principal))).toContain("events.amazonaws.com");
        expect(topic.inputs.kmsMasterKeyId).toBeDefined();
    });

    it("GIVEN the platform WHEN planned THEN the off-site provider link is an IKEv2 IPSec VPN and its own backups follow the promise off-site", () => {
        const plan = platform();
        const gateway = one(plan, T.customerGateway);
        expect(gateway.inputs.ipAddress).toBe(FIXTURE_PLATFORM_SETTINGS.offsiteGatewayIp);
        const connection = one(plan, T.vpnConnection);
        expect(connection.inputs.tunnel1IkeVersions).toEqual(["ikev2"]);
        expect(connection.inputs.tunnel1PresharedKey).toBe(SECRET_PLACEHOLDER);
        const rules = ofType(plan, T.backupPlan).flatMap((backupPlan) => backupPlan.inputs.rules as { schedule: string; copyActions: unknown[] }[]);
        expect(rules.map((rule) => rule.schedule).sort()).toEqual(BACKUP_PROMISE.map((rule) => rule.schedule).sort());
        expect(rules.every((rule) => rule.copyActions.length === 1)).toBe(true);
    });

    it("GIVEN the Transit Gateway WHEN planned THEN tenants cannot reach each other: no default tables, the platform associates with the operations table", () => {
        const plan = platform();
        const tgw = one(plan, "aws:ec2transitgateway/transitGateway:TransitGateway");
        expect(tgw.inputs).toMatchObject({ defaultRouteTableAssociation: "disable", defaultRouteTablePropagation: "disable" });
        const tables = new Map(ofType(plan, "aws:ec2transitgateway/routeTable:RouteTable").map((table) => [table.id, table.name]));
        const association = one(plan, "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation");
        const propagation = one(plan, "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation");
        expect(tables.get(association.inputs.transitGatewayRouteTableId as string)).toBe(`platform-${REGION}-tgw-operations`);
        expect(tables.get(propagation.inputs.transitGatewayRouteTableId as string)).toBe(`platform-${REGION}-tgw-tenants`);
    });
});

describe("tenants agree with the platform through its outputs", () => {
    it.each([["vault"], ["cloudy"]])("GIVEN %s WHEN planned THEN its admin tier attaches to the platform's TGW, associated with the tenants table, propagating into operations", (id) => {
        const plan = planOf(id);
        const tables = new Map(ofType(platform(), "aws:ec2transitgateway/routeTable:RouteTable").map((table) => [table.id, table.name]));
        const attachment = one(plan, T.tgwAttachment);
        expect(attachment.inputs.transitGatewayId).toBe(one(platform(), "aws:ec2transitgateway/transitGateway:TransitGateway").id);
        expect(tables.get(one(plan, "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation").inputs.transitGatewayRouteTableId as string)).toBe(
            `platform-${REGION}-tgw-tenants`,
        );
        expect(tables.get(one(plan, "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation").inputs.transitGatewayRouteTableId as string)).toBe(
            `platform-${REGION}-tgw-operations`,
        );
        // Administration comes from the platform's admin tier, where the Client VPN lands.
        const prefixList = ofType(plan, T.prefixList).find((list) => list.name.endsWith("-operations-pl"));
        expect((prefixList?.inputs.entries as { cidr: string }[]).map((entry) => entry.cidr)).toEqual(subnetPlan(PLATFORM_DEFAULTS.networkCidr).admin);
    });
});

describe("saas", () => {
    it("GIVEN a saas tenant WHEN planned THEN it registers no compute, network or database of its own and stays tiny", () => {
        const plan = planOf("solo");
        const own = plan.resources.filter((resource) => /^aws:(ec2|ec2transitgateway|rds|lb|ebs|s3|kms|backup)\//.test(resource.type));
        expect(own).toEqual([]);
        expect(plan.resources.length).toBeLessThanOrEqual(8);
        expect(renderTenant(plan)).toMatch(/^solo \(saas, eu-west-1\) from fixtures\/solo\.yaml: \d resources/);
    });

    it("GIVEN a saas tenant WHEN planned THEN its place in the shared app is installed on the platform's servers by tag", () => {
        const plan = planOf("solo");
        const association = one(plan, "aws:ssm/association:Association");
        const document = ofType(platform(), "aws:ssm/document:Document")[0];
        expect(association.inputs.name).toBe(document?.inputs.name);
        expect(association.inputs.targets).toEqual([{ key: "tag:PatchGroup", values: [`platform-${REGION}`] }]);
        expect(association.inputs.parameters).toMatchObject({ tenant: "solo", copy: "shared", databaseName: "tenant_solo", filesPrefix: "tenants/solo/" });
        const instances = ofType(platform(), T.instance);
        expect(instances.every((instance) => tagsOf(instance).PatchGroup === `platform-${REGION}`)).toBe(true);
    });
});

describe("dedicated-saas", () => {
    it.each([["stark"], ["wayne"]])("GIVEN %s WHEN planned THEN no servers, but a database of its own, encrypted with its key, in the platform's data tier", (id) => {
        const plan = planOf(id);
        expect(ofType(plan, T.instance)).toEqual([]);
        expect(ofType(plan, "aws:ec2/vpc:Vpc")).toEqual([]);
        const db = one(plan, T.rds);
        expect(db.inputs).toMatchObject({ storageEncrypted: true, publiclyAccessible: false, deletionProtection: true, manageMasterUserPassword: true });
        expect(ofType(plan, T.kmsKey).map((key) => key.id)).toContain(String(db.inputs.kmsKeyId).split("/").pop());
        const subnetGroup = one(plan, "aws:rds/subnetGroup:SubnetGroup");
        const platformData = ofType(platform(), T.subnet).filter((subnet) => tagsOf(subnet).tier === "data").map((subnet) => subnet.id);
        expect(subnetGroup.inputs.subnetIds).toEqual(platformData);
        const dbIngress = ofType(plan, T.ingress).filter((rule) => rule.inputs.fromPort === 5432);
        const platformServersGroup = ofType(platform(), T.instance)[0]?.inputs.vpcSecurityGroupIds as string[];
        expect(dbIngress.map((rule) => rule.inputs.referencedSecurityGroupId)).toEqual([platformServersGroup[0]]);
    });

    it.each([["stark"], ["wayne"]])("GIVEN %s WHEN planned THEN it has a front door of its own in the platform's access tier, whose target group holds every shared server", (id) => {
        const plan = planOf(id);
        const platformPlan = platform();
        const loadBalancer = one(plan, T.loadBalancer);
        const access = ofType(platformPlan, T.subnet).filter((subnet) => tagsOf(subnet).tier === "access").map((subnet) => subnet.id);
        expect(loadBalancer.inputs.internal).toBe(false);
        expect(loadBalancer.inputs.subnets).toEqual(access);
        // Its own group (internet on 443/80) and the platform's group the shared servers admit.
        const tenantDoors = ofType(platformPlan, T.securityGroup).find((group) => group.name === "platform-eu-west-1-tenant-front-doors");
        const ownGroup = ofType(plan, T.securityGroup).find((candidate) => candidate.name === `${id}-front-door-sg`);
        expect(loadBalancer.inputs.securityGroups).toEqual([ownGroup?.id, tenantDoors?.id]);
        const https = ofType(plan, T.listener).find((listener) => listener.inputs.port === 443);
        expect(https?.inputs).toMatchObject({ loadBalancerArn: loadBalancer.id, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
        expect(ofType(plan, T.listener).find((listener) => listener.inputs.port === 80)?.inputs.defaultActions).toEqual([
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ]);
        expect(one(plan, "aws:wafv2/webAclAssociation:WebAclAssociation").inputs.resourceArn).toBe(loadBalancer.id);
        const group = one(plan, "aws:lb/targetGroup:TargetGroup");
        expect(group.inputs).toMatchObject({ vpcId: one(platformPlan, "aws:ec2/vpc:Vpc").id, port: 443, healthCheck: { path: `/healthz/${id}` } });
        const attachments = ofType(plan, "aws:lb/targetGroupAttachment:TargetGroupAttachment");
        expect(attachments.every((attachment) => attachment.inputs.targetGroupArn === group.id)).toBe(true);
        expect(attachments.map((attachment) => attachment.inputs.targetId).sort()).toEqual(ofType(platformPlan, T.instance).map((instance) => instance.id).sort());
        // Nothing on anybody else's listener.
        expect(ofType(plan, "aws:lb/listenerRule:ListenerRule")).toEqual([]);
        expect(ofType(plan, "aws:lb/listenerCertificate:ListenerCertificate")).toEqual([]);
        expect(one(plan, "aws:ssm/association:Association").inputs.parameters).toMatchObject({ tenant: id, copy: "dedicated" });
    });

    it("GIVEN the door's certificate WHEN transformed THEN it takes over the tenant's former root-level certificate by alias; nothing else is touched", () => {
        const transform = adoptFormerCertificate("stark");
        const certificate = transform({ resource: undefined as never, type: "tenant-platform:edge:DomainCertificate", name: "stark-front-door", props: {}, opts: {} });
        expect(certificate?.opts.aliases).toEqual([{ name: "stark-certificate", parent: pulumi.rootStackResource }]);
        expect(transform({ resource: undefined as never, type: "tenant-platform:edge:DomainCertificate", name: "wayne-front-door", props: {}, opts: {} })).toBeUndefined();
        expect(transform({ resource: undefined as never, type: "aws:acm/certificate:Certificate", name: "stark-front-door", props: {}, opts: {} })).toBeUndefined();
    });

    it("GIVEN the platform WHEN planned THEN its shared servers admit the tenants' front doors with one rule on the app port, from the group the doors carry", () => {
        const platformPlan = platform();
        const tenantDoors = ofType(platformPlan, T.securityGroup).find((group) => group.name === "platform-eu-west-1-tenant-front-doors");
        expect(tenantDoors).toBeDefined();
        const admitting = ofType(platformPlan, T.ingress).filter((rule) => rule.inputs.referencedSecurityGroupId === tenantDoors?.id);
        expect(admitting.map((rule) => [rule.name, rule.inputs.fromPort, rule.inputs.toPort])).toEqual([["platform-eu-west-1-servers-access-from-tenant-lbs", 443, 443]]);
        // The group grants nothing itself: no rule of its own.
        expect(ofType(platformPlan, T.ingress).filter((rule) => rule.inputs.securityGroupId === tenantDoors?.id)).toEqual([]);
        expect(platformPlan.outputs.tenantFrontDoorSecurityGroupId).toBe(tenantDoors?.id);
    });

    it("GIVEN a subdomain WHEN planned THEN its records go to the platform's zone; an own domain lists the customer's records instead", () => {
        const zone = one(platform(), "aws:route53/zone:Zone");
        const stark = ofType(planOf("stark"), "aws:route53/record:Record");
        expect(stark.length).toBe(2);
        expect(stark.every((record) => record.inputs.zoneId === zone.id)).toBe(true);
        expect(planOf("stark").outputs.customerDnsRecords).toEqual([]);
        // Nothing for the customer's own name: only the platform's edge name it points at (DNS failover).
        expect(ofType(planOf("wayne"), "aws:route53/record:Record").map((record) => [record.inputs.name, record.inputs.zoneId])).toEqual([["wayne.edge.itm.example.net", zone.id]]);
        const records = planOf("wayne").outputs.customerDnsRecords as { name: string; type: string; value: string }[];
        expect(records.map((record) => [record.name, record.type]).pop()).toEqual(["pm.wayne.example", "CNAME"]);
        expect(records.at(-1)?.value).toBe("wayne.edge.itm.example.net");
    });
});

describe("physical", () => {
    it("GIVEN a physical tenant WHEN planned THEN every server, the database included, sits on its own dedicated host", () => {
        const plan = planOf("vault");
        const host = one(plan, "aws:ec2/dedicatedHost:DedicatedHost");
        expect(host.inputs).toMatchObject({ autoPlacement: "off", instanceFamily: "m6i" });
        const instances = ofType(plan, T.instance);
        expect(instances).toHaveLength(3 + 1);
        for (const instance of instances) {
            expect(instance.inputs, instance.name).toMatchObject({ tenancy: "host", hostId: host.id });
        }
        expect(ofType(plan, T.rds)).toEqual([]);
        const database = instances.find((instance) => instance.name.includes("-database-"));
        expect(database?.inputs.instanceType).toBe("m6i.large");
        // On one host in one zone: every subnet used is in the host's zone.
        const zones = new Set(instances.map((instance) => byId(plan, instance.inputs.subnetId)?.inputs.availabilityZone));
        expect([...zones]).toEqual([host.inputs.availabilityZone]);
    });

    it("GIVEN a physical tenant with a large database WHEN planned THEN its volume is io2, encrypted, and the server is backed up on the database schedule", () => {
        const plan = planOf("vault");
        const volumes = ofType(plan, T.volume);
        const big = volumes.find((volume) => volume.inputs.size === 20000);
        expect(big?.inputs).toMatchObject({ type: "io2", encrypted: true });
        const databaseSelection = ofType(plan, T.backupSelection).find((selection) => selection.name.includes("database"));
        const database = ofType(plan, T.instance).find((instance) => instance.name.includes("-database-"));
        expect((databaseSelection?.inputs.resources as string[]).some((arn) => arn.endsWith(`instance/${database?.id}`))).toBe(true);
        expect(strings(plan.resources.map((resource) => resource.inputs)).some((value) => /password=/.test(value))).toBe(false);
    });
});

describe("server images: pinned, rolled one server at a time", () => {
    const pinned = loadServerImages();
    const stacks = (): TenantPlan[] => [platform(), planOf("vault"), planOf("cloudy")];

    it("GIVEN the platform, a physical and a cloud tenant WHEN planned THEN every server boots the image pinned for its region and architecture, and says which", () => {
        const images = new Set<unknown>();
        for (const plan of stacks()) {
            for (const instance of ofType(plan, T.instance)) {
                const image = serverImage(pinned, REGION, String(instance.inputs.instanceType));
                expect(tagsOf(instance).ImageName, instance.name).toBe(image.name);
                expect(instance.inputs.ami, instance.name).toMatch(/^ami-[0-9a-f]{17}$/);
                images.add(instance.inputs.ami);
            }
        }
        // One region, one architecture (m6i, m7i ...): one image for every server of the region.
        expect(images.size).toBe(1);
    });

    it.each([
        [`platform-${REGION}`, `platform-${REGION}-servers`],
        ["vault", "vault-servers"],
        ["cloudy", "cloudy-servers"],
    ])("GIVEN %s WHEN planned THEN each application server waits for the previous one's target registration", (stack, servers) => {
        const instances = ofType(planOf(stack), T.instance).filter((instance) => instance.name.startsWith(`${servers}-`));
        expect(instances.length).toBeGreaterThanOrEqual(2);
        expect(instances.map((instance) => instance.dependsOn)).toEqual(instances.map((_, i) => (i === 0 ? undefined : [`${servers}-${i - 1}-target`])));
    });

    it("GIVEN the physical tenant WHEN planned THEN every server on its host, the database server included, is replaced delete-before-create; in the cloud none is", () => {
        expect(ofType(planOf("vault"), T.instance).map((instance) => [instance.name, instance.deleteBeforeReplace])).toEqual([
            ["vault-database-server-instance", true],
            ["vault-servers-0-instance", true],
            ["vault-servers-1-instance", true],
            ["vault-servers-2-instance", true],
        ]);
        expect(ofType(planOf("cloudy"), T.instance).every((instance) => instance.deleteBeforeReplace === undefined)).toBe(true);
    });
});
