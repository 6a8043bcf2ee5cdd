// The dedicated-cloud modes (`cloud`, `vpn`, `vpn-sync`) on the graph each registers, through the
// offline plan of the whole stack (platform included). Each test checks a promise of the service on
// every resource it applies to, so a component that breaks it fails here whatever the tenant.

import { beforeAll, describe, expect, it } from "vitest";

import { SECRET_PLACEHOLDER } from "../../lib/plan-document";
import { canonicalJson } from "../../scripts/lib/plan/engine";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { renderTenant } from "../../scripts/lib/plan/summary";
import { BACKUP_PROMISE } from "../../lib/promises/backup-schedule";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { PLATFORM_DEFAULTS } from "../../stacks/config/platform-settings";
import { operationsCidrsOf } from "../../lib/platform";
import { quotasRaised } from "../helpers";
import { ADMIN_PORTS, byId, coversPort, ingressSources, interfacesOf, ofType, stackOf, strings, T, tagsOf } from "../graph";

const DOCS: Record<string, TenantDocument> = {
    acme: { tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } },
    tiny: {
        tenant: "tiny",
        company: "Tiny",
        mode: "cloud",
        region: "eu-west-1",
        environment: "test",
        domain: { own: "pm.tiny.example.org" },
        network: { cidr: "192.168.77.0/24" },
        compute: { instances: 3 },
    },
    initech: {
        tenant: "initech",
        company: "Initech",
        mode: "vpn",
        region: "us-east-1",
        domain: { own: "pm.initech.com" },
        network: { cidr: "172.20.0.0/20" },
        vpn: { customerGatewayIp: "85.214.132.117", corporateCidrs: ["192.168.0.0/16", "172.31.0.0/16"] },
    },
    hooli: {
        tenant: "hooli",
        company: "Hooli",
        mode: "vpn",
        region: "eu-west-1",
        domain: { subdomain: "hooli" },
        network: { cidr: "10.50.0.0/22" },
        vpn: { customerGatewayIp: "81.2.69.142", bgpAsn: 65010, corporateCidrs: ["192.168.0.0/20", "10.200.0.0/16", "172.16.4.0/24"] },
    },
    umbrella: {
        tenant: "umbrella",
        company: "Umbrella",
        mode: "vpn-sync",
        region: "eu-central-1",
        domain: { own: "itm.umbrella.example" },
        network: { cidr: "10.40.0.0/16" },
        vpn: { customerGatewayIp: "93.184.216.34", corporateCidrs: ["192.168.0.0/16"] },
        identity: { directoryName: "corp.umbrella.example", dnsIps: ["192.168.10.10", "192.168.10.11"], serviceAccount: "svc-itm" },
    },
};

const tenants: Tenant[] = Object.values(DOCS).map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
const PLANTED_PASSWORD = "Planted-Directory-Password-31337";

let phaseOne: PlanDocument;
let phaseTwo: PlanDocument;

beforeAll(async () => {
    // Room for the recovery stacks' VPCs in the off-site regions (counted where they run).
    const quotas = quotasRaised({ vpcs: 10 });
    phaseOne = await planFleet({ tenants, platformRegions: [...new Set(tenants.map((tenant) => tenant.region))], quotas });
    phaseTwo = await planFleet({
        // identity.connect: true in the file, and nothing else differs.
        tenants: tenants.filter((tenant) => tenant.mode === "vpn-sync").map((tenant) => resolveTenant({ ...DOCS[tenant.id]!, identity: { ...DOCS[tenant.id]!.identity!, connect: true } }, tenant.source)),
        config: { directoryPassword: PLANTED_PASSWORD },
        quotas,
    });
    expect(phaseOne.errors).toEqual([]);
    expect(phaseTwo.errors).toEqual([]);
});

const planOf = stackOf;

const each = (...ids: string[]) => ids.map((id) => [id] as const);
const ALL = each("acme", "tiny", "initech", "hooli", "umbrella");
const PUBLIC = each("acme", "tiny");
const VPN = each("initech", "hooli", "umbrella");

describe("servers: two NICs, private, hardened", () => {
    it.each(ALL)("GIVEN %s WHEN planned THEN every instance has eth0 in the access tier and eth1 in the admin tier of the same AZ", (id) => {
        const plan = planOf(phaseOne, id);
        const instances = ofType(plan, T.instance);
        expect(instances).toHaveLength(resolveTenantCompute(id));
        for (const instance of instances) {
            const nics = interfacesOf(plan, instance);
            expect(nics.map((nic) => [nic.deviceIndex, nic.tier]), instance.name).toEqual([
                [0, "access"],
                [1, "admin"],
            ]);
            expect(nics[0]?.az, instance.name).toBe(nics[1]?.az);
        }
        // Servers are spread over both availability zones when there are two or more.
        if (instances.length > 1) {
            expect(new Set(instances.map((instance) => interfacesOf(plan, instance)[0]?.az)).size).toBe(2);
        }
    });

    it.each(ALL)("GIVEN %s WHEN planned THEN no instance has a public IP and every one requires IMDSv2", (id) => {
        for (const instance of ofType(planOf(phaseOne, id), T.instance)) {
            expect(instance.inputs.associatePublicIpAddress, instance.name).toBe(false);
            expect(instance.inputs.metadataOptions, instance.name).toMatchObject({ httpTokens: "required" });
        }
    });
});

describe("firewalling: only necessary ports, only from the right places", () => {
    it.each(ALL)("GIVEN %s WHEN planned THEN nothing admits 0.0.0.0/0 or ::/0 but an internet-facing load balancer on 80/443", (id) => {
        const plan = planOf(phaseOne, id);
        const publicBalancerGroups = ofType(plan, T.loadBalancer)
            .filter((lb) => lb.inputs.internal !== true)
            .flatMap((lb) => lb.inputs.securityGroups as string[]);
        for (const rule of ofType(plan, T.ingress)) {
            const { cidrs } = ingressSources(plan, rule);
            if (cidrs.some((cidr) => cidr === "0.0.0.0/0" || cidr === "::/0")) {
                expect(publicBalancerGroups, rule.name).toContain(rule.inputs.securityGroupId);
                expect([80, 443], rule.name).toContain(rule.inputs.fromPort);
                expect(rule.inputs.toPort, rule.name).toBe(rule.inputs.fromPort);
            }
        }
    });

    it.each(ALL)("GIVEN %s WHEN planned THEN administration ports admit CIDRs only from the operations network", (id) => {
        const plan = planOf(phaseOne, id);
        const adminRules = ofType(plan, T.ingress).filter((rule) => ADMIN_PORTS.some((port) => coversPort(rule, port)));
        expect(adminRules.length).toBeGreaterThan(0);
        for (const rule of adminRules) {
            const { cidrs, group } = ingressSources(plan, rule);
            if (group) {
                // Security-group references stay inside the tenant (app servers to their database).
                expect(group.type, rule.name).toBe(T.securityGroup);
            } else {
                expect(cidrs.length, rule.name).toBeGreaterThan(0);
                expect(operationsCidrsOf(PLATFORM_DEFAULTS), rule.name).toEqual(expect.arrayContaining(cidrs));
            }
        }
        // The servers' admin interfaces are administered over SSH from the operations network.
        const ssh = adminRules.filter((rule) => coversPort(rule, 22));
        expect(ssh.length).toBeGreaterThan(0);
        expect(ssh.every((rule) => ingressSources(plan, rule).cidrs.length > 0)).toBe(true);
    });

    it.each(ALL)("GIVEN %s WHEN planned THEN the app servers take traffic only from the tenant's load balancer", (id) => {
        const plan = planOf(phaseOne, id);
        const balancerGroups = new Set(ofType(plan, T.loadBalancer).flatMap((lb) => lb.inputs.securityGroups as string[]));
        const accessGroups = new Set(ofType(plan, T.instance).flatMap((instance) => instance.inputs.vpcSecurityGroupIds as string[]));
        const rules = ofType(plan, T.ingress).filter((rule) => accessGroups.has(String(rule.inputs.securityGroupId)));
        expect(rules.length).toBeGreaterThan(0);
        for (const rule of rules) {
            expect(balancerGroups.has(String(rule.inputs.referencedSecurityGroupId)), rule.name).toBe(true);
        }
    });

    it.each(ALL)("GIVEN %s WHEN planned THEN network ACLs deny the platform's suspicious networks", (id) => {
        const plan = planOf(phaseOne, id);
        const denied = ofType(plan, T.networkAcl).flatMap((acl) =>
            ((acl.inputs.ingress as { action: string; cidrBlock: string }[] | undefined) ?? []).filter((rule) => rule.action === "deny").map((rule) => rule.cidrBlock),
        );
        expect(denied).toEqual(expect.arrayContaining([...PLATFORM_DEFAULTS.suspiciousNetworks]));
    });
});

describe("the administration network", () => {
    it.each(ALL)("GIVEN %s WHEN planned THEN the admin tier attaches to the platform's Transit Gateway and routes only there", (id) => {
        const plan = planOf(phaseOne, id);
        const platform = planOf(phaseOne, `platform-${plan.region}`);
        const tgw = platform.resources.find((resource) => resource.type === "aws:ec2transitgateway/transitGateway:TransitGateway");
        const attachments = ofType(plan, T.tgwAttachment);
        expect(attachments).toHaveLength(1);
        expect(attachments[0]?.inputs.transitGatewayId).toBe(tgw?.id);
        expect((attachments[0]?.inputs.subnetIds as string[]).map((subnet) => tagsOf(byId(plan, subnet)).tier)).toEqual(["admin", "admin"]);

        const adminTables = new Set(
            plan.resources
                .filter((resource) => resource.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" && tagsOf(byId(plan, resource.inputs.subnetId)).tier === "admin")
                .map((association) => association.inputs.routeTableId),
        );
        expect(adminTables.size).toBe(1);
        const adminRoutes = ofType(plan, T.route).filter((route) => adminTables.has(route.inputs.routeTableId));
        expect(adminRoutes.map((route) => route.inputs.transitGatewayId)).toEqual([tgw?.id]);
    });
});

describe("encryption: with the tenant's own keys", () => {
    it.each(ALL)("GIVEN %s WHEN planned THEN volumes, database, logs, buckets and vaults are encrypted with keys of this tenant", (id) => {
        const plan = planOf(phaseOne, id);
        const keyArns = new Set(ofType(plan, T.kmsKey).map((key) => `${String(key.id)}`));
        const isTenantKey = (arn: unknown): boolean => typeof arn === "string" && [...keyArns].some((keyId) => arn.endsWith(`key/${keyId}`));
        expect(keyArns.size).toBeGreaterThanOrEqual(3); // data, backup, off-site backup

        for (const instance of ofType(plan, T.instance)) {
            expect(instance.inputs.rootBlockDevice, instance.name).toMatchObject({ encrypted: true });
            expect(isTenantKey((instance.inputs.rootBlockDevice as { kmsKeyId?: string }).kmsKeyId), instance.name).toBe(true);
        }
        const volumes = ofType(plan, T.volume);
        expect(volumes).toHaveLength(ofType(plan, T.instance).length);
        for (const volume of volumes) {
            expect(volume.inputs.encrypted, volume.name).toBe(true);
            expect(isTenantKey(volume.inputs.kmsKeyId), volume.name).toBe(true);
        }
        for (const db of ofType(plan, T.rds)) {
            expect(db.inputs.storageEncrypted, db.name).toBe(true);
            expect(isTenantKey(db.inputs.kmsKeyId), db.name).toBe(true);
        }
        for (const group of ofType(plan, T.logGroup)) {
            expect(isTenantKey(group.inputs.kmsKeyId), group.name).toBe(true);
        }
        const buckets = ofType(plan, T.bucket);
        const encrypted = new Map(ofType(plan, T.bucketEncryption).map((config) => [config.inputs.bucket, config]));
        for (const bucket of buckets) {
            const rule = ((encrypted.get(bucket.id)?.inputs.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string } }[] | undefined) ?? [])[0];
            if (tagsOf(bucket).role === "access-logs") {
                // The request-log bucket: ELB writes access logs to SSE-S3 buckets only (AccessLogBucket).
                expect(rule?.applyServerSideEncryptionByDefault, bucket.name).toEqual({ sseAlgorithm: "AES256" });
                continue;
            }
            expect(rule?.applyServerSideEncryptionByDefault?.sseAlgorithm, bucket.name).toBe("aws:kms");
            expect(isTenantKey(rule?.applyServerSideEncryptionByDefault?.kmsMasterKeyId), bucket.name).toBe(true);
        }
        const vaults = ofType(plan, T.vault);
        expect(vaults).toHaveLength(2);
        for (const vault of vaults) {
            expect(isTenantKey(vault.inputs.kmsKeyArn), vault.name).toBe(true);
        }
    });

    it.each(ALL)("GIVEN %s WHEN planned THEN keys, vaults and the files bucket outlive the stack and the database keeps a final snapshot", (id) => {
        const plan = planOf(phaseOne, id);
        for (const resource of [...ofType(plan, T.kmsKey), ...ofType(plan, T.vault)]) {
            expect(resource.retainOnDelete || resource.protect, resource.name).toBe(true);
        }
        const files = ofType(plan, T.bucket).filter((bucket) => bucket.name === `${id}-files-bucket` || bucket.parent === `${id}-files`);
        expect(files).toHaveLength(1);
        expect(files[0]?.retainOnDelete).toBe(true);
        for (const db of ofType(plan, T.rds)) {
            expect(db.inputs).toMatchObject({ deletionProtection: true, skipFinalSnapshot: false, publiclyAccessible: false });
            expect(typeof db.inputs.finalSnapshotIdentifier).toBe("string");
            expect(db.inputs.password).toBeUndefined();
            expect(db.inputs.manageMasterUserPassword).toBe(true);
        }
    });
});

describe("backups: the promised schedule, copied off-site", () => {
    it.each(ALL)("GIVEN %s WHEN planned THEN the backup rules are exactly the promise, kept their home days here and their off-site days in the off-site vault", (id) => {
        const plan = planOf(phaseOne, id);
        const rules = ofType(plan, T.backupPlan).flatMap((backupPlan) => (backupPlan.inputs.rules as Record<string, unknown>[]) ?? []);
        const promised = BACKUP_PROMISE.map((rule) => [rule.name, rule.schedule, rule.keepDays.home, rule.keepDays.offsite]).sort();
        const planned = rules.map((rule) => [
            rule.ruleName,
            rule.schedule,
            (rule.lifecycle as { deleteAfter: number }).deleteAfter,
            (rule.copyActions as { lifecycle: { deleteAfter: number } }[])[0]?.lifecycle.deleteAfter,
        ]);
        expect(planned.sort()).toEqual(promised);
        // The weekly points: a year on the backup server only, a week at home.
        expect(planned.filter(([name]) => String(name).endsWith("-weekly")).map(([, , home, offsite]) => [home, offsite])).toEqual([
            [7, 365],
            [7, 365],
        ]);

        const tenant = tenants.find((candidate) => candidate.id === id)!;
        // A vault's id is its name (auto-named by the provider).
        const vaultNames = ofType(plan, T.vault).map((vault) => vault.id);
        for (const rule of rules) {
            const local = String(rule.targetVaultName);
            expect(vaultNames, String(rule.ruleName)).toContain(local);
            const offsite = vaultNames.filter((name) => name !== local);
            expect(offsite).toHaveLength(1);
            const copies = rule.copyActions as { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[];
            expect(copies, String(rule.ruleName)).toHaveLength(1);
            expect(copies[0]?.destinationVaultArn).toBe(`arn:aws:backup:${tenant.offsiteRegion}:123456789012:backup-vault:${offsite[0]}`);
            expect(copies[0]?.lifecycle.deleteAfter).toBe(BACKUP_PROMISE.find((promised) => promised.name === rule.ruleName)?.keepDays.offsite);
        }
    });

    it.each(ALL)("GIVEN %s WHEN planned THEN the database, the files bucket and the servers are selected for backup", (id) => {
        const plan = planOf(phaseOne, id);
        const selected = ofType(plan, T.backupSelection).flatMap((selection) => selection.inputs.resources as string[]);
        // Buckets are identified by name; databases by their (auto-named) identifier.
        const files = ofType(plan, T.bucket).filter((bucket) => bucket.parent === `${id}-files`);
        expect(files).toHaveLength(1);
        expect(selected).toContain(`arn:aws:s3:::${files[0]?.id}`);
        expect(selected.filter((arn) => arn.startsWith(`arn:aws:rds:${plan.region}:123456789012:db:${id}-database`))).toHaveLength(ofType(plan, T.rds).length);
        expect(selected.filter((arn) => arn.includes(":instance/"))).toHaveLength(ofType(plan, T.instance).length);
    });
});

describe("exposure: public modes versus VPN modes", () => {
    it.each(PUBLIC)("GIVEN public %s WHEN planned THEN an internet-facing ALB serves HTTPS with TLS 1.2+, redirects HTTP and is behind a WAF", (id) => {
        const plan = planOf(phaseOne, id);
        const [lb, ...others] = ofType(plan, T.loadBalancer);
        expect(others).toEqual([]);
        expect(lb?.inputs.internal).toBe(false);
        const listeners = ofType(plan, T.listener).filter((listener) => listener.inputs.loadBalancerArn === lb?.id);
        const https = listeners.find((listener) => listener.inputs.port === 443);
        const http = listeners.find((listener) => listener.inputs.port === 80);
        expect(https?.inputs.protocol).toBe("HTTPS");
        expect(String(https?.inputs.sslPolicy)).toMatch(/TLS1[23]|TLS13-1-2|TLS-1-2/);
        expect(http?.inputs.defaultActions).toEqual([expect.objectContaining({ type: "redirect", redirect: expect.objectContaining({ protocol: "HTTPS", port: "443" }) })]);
        expect(ofType(plan, T.webAclAssociation).map((association) => association.inputs.resourceArn)).toEqual([lb?.id]);
        expect(ofType(plan, T.internetGateway)).toHaveLength(1);
    });

    it.each(VPN)("GIVEN VPN %s WHEN planned THEN nothing is on the internet: internal ALB only, no internet gateway, no default route", (id) => {
        const plan = planOf(phaseOne, id);
        const balancers = ofType(plan, T.loadBalancer);
        expect(balancers).toHaveLength(1);
        expect(balancers.every((lb) => lb.inputs.internal === true)).toBe(true);
        expect(ofType(plan, T.internetGateway)).toEqual([]);
        expect(ofType(plan, T.route).filter((route) => route.inputs.destinationCidrBlock === "0.0.0.0/0" || route.inputs.gatewayId !== undefined)).toEqual([]);
        expect(ofType(plan, T.listener).filter((listener) => listener.inputs.port === 80)).toEqual([]);
    });

    it.each(VPN)("GIVEN VPN %s WHEN planned THEN HTTPS is admitted from the corporate networks and the tenant's own access tier only", (id) => {
        const plan = planOf(phaseOne, id);
        const doc = DOCS[id]!;
        const lbGroups = new Set(ofType(plan, T.loadBalancer).flatMap((lb) => lb.inputs.securityGroups as string[]));
        const sources = ofType(plan, T.ingress)
            .filter((rule) => lbGroups.has(String(rule.inputs.securityGroupId)))
            .map((rule) => ({ port: rule.inputs.fromPort, cidr: ingressSources(plan, rule).cidrs[0] }));
        expect(sources.every((source) => source.port === 443)).toBe(true);
        const accessTier = ofType(plan, T.subnet)
            .filter((subnet) => tagsOf(subnet).tier === "access")
            .map((subnet) => subnet.inputs.cidrBlock);
        expect(sources.map((source) => source.cidr).sort()).toEqual([...doc.vpn!.corporateCidrs, ...accessTier].sort());
    });
});

describe("the site-to-site VPN", () => {
    it.each(VPN)("GIVEN %s WHEN planned THEN two IKEv2 tunnels with strong algorithms and secret pre-shared keys reach the customer's gateway", (id) => {
        const plan = planOf(phaseOne, id);
        const doc = DOCS[id]!;
        const [gateway] = ofType(plan, T.customerGateway);
        expect(gateway?.inputs.ipAddress).toBe(doc.vpn!.customerGatewayIp);
        const [connection, ...more] = ofType(plan, T.vpnConnection);
        expect(more).toEqual([]);
        expect(connection?.inputs.customerGatewayId).toBe(gateway?.id);
        for (const tunnel of ["tunnel1", "tunnel2"]) {
            expect(connection?.inputs[`${tunnel}PresharedKey`]).toBe(SECRET_PLACEHOLDER);
            expect(connection?.inputs[`${tunnel}IkeVersions`]).toEqual(["ikev2"]);
            for (const phase of ["Phase1", "Phase2"]) {
                expect((connection?.inputs[`${tunnel}${phase}EncryptionAlgorithms`] as string[]).every((algorithm) => algorithm.startsWith("AES256"))).toBe(true);
                expect((connection?.inputs[`${tunnel}${phase}IntegrityAlgorithms`] as string[]).every((algorithm) => algorithm.startsWith("SHA2-"))).toBe(true);
                const groups = connection?.inputs[`${tunnel}${phase}DhGroupNumbers`] as number[];
                expect(groups.length).toBeGreaterThan(0);
                expect(groups.every((group) => group >= 14)).toBe(true);
            }
        }
        expect(plan.outputs.vpnPresharedKeys).toBe(SECRET_PLACEHOLDER);
        expect(plan.outputs.vpnTunnels).toHaveLength(2);
    });

    it("GIVEN static routing WHEN planned THEN one static route per corporate CIDR", () => {
        const plan = planOf(phaseOne, "initech");
        expect(ofType(plan, T.vpnConnection)[0]?.inputs.staticRoutesOnly).toBe(true);
        expect(ofType(plan, T.vpnRoute).map((route) => route.inputs.destinationCidrBlock).sort()).toEqual(["172.31.0.0/16", "192.168.0.0/16"]);
    });

    it("GIVEN a BGP ASN WHEN planned THEN the customer gateway speaks BGP with it and there are no static routes", () => {
        const plan = planOf(phaseOne, "hooli");
        expect(ofType(plan, T.vpnConnection)[0]?.inputs.staticRoutesOnly).toBe(false);
        expect(String(ofType(plan, T.customerGateway)[0]?.inputs.bgpAsn)).toBe("65010");
        expect(ofType(plan, T.vpnRoute)).toEqual([]);
    });
});

describe("vpn-sync: the directory link, in two phases", () => {
    it("GIVEN identity.connect absent (false) WHEN planned THEN phase one: the VPN but no AD Connector, and the summary says so", () => {
        const plan = planOf(phaseOne, "umbrella");
        expect(ofType(plan, T.directory)).toEqual([]);
        expect(ofType(plan, T.vpnConnection)).toHaveLength(1);
        expect(String(plan.outputs.directoryPhase)).toMatch(/^phase one/);
        expect(renderTenant(plan)).toContain("directory sync: phase one: VPN only, waiting for the customer's link (set identity.connect: true in the tenant file once the tunnels are up)");
    });

    it("GIVEN identity.connect: true WHEN planned THEN the AD Connector is wired to the tenant file's directory, secretly", () => {
        const plan = planOf(phaseTwo, "umbrella");
        const identity = DOCS.umbrella!.identity!;
        const [directory, ...more] = ofType(plan, T.directory);
        expect(more).toEqual([]);
        expect(directory?.inputs).toMatchObject({
            type: "ADConnector",
            name: identity.directoryName,
            password: SECRET_PLACEHOLDER,
            connectSettings: expect.objectContaining({ customerDnsIps: identity.dnsIps, customerUsername: identity.serviceAccount, vpcId: ofType(plan, "aws:ec2/vpc:Vpc")[0]?.id }),
        });
        const subnets = (directory?.inputs.connectSettings as { subnetIds: string[] }).subnetIds.map((subnetId) => byId(plan, subnetId));
        expect(new Set(subnets.map((subnet) => subnet?.inputs.availabilityZone)).size).toBe(2);
        expect(String(plan.outputs.directoryPhase)).toMatch(/^phase two/);
        expect(canonicalJson(phaseTwo)).not.toContain(PLANTED_PASSWORD);
        expect(renderTenant(plan)).not.toContain(PLANTED_PASSWORD);
    });
});

describe("tenant isolation", () => {
    it("GIVEN several tenants planned in one run WHEN each graph is searched THEN none mentions another tenant's id, network or keys", () => {
        const planned = Object.keys(DOCS).map((id) => planOf(phaseOne, id));
        for (const plan of planned) {
            const text = strings(plan.resources.map((resource) => [resource.name, resource.parent, resource.inputs])).join("\n");
            for (const other of planned.filter((candidate) => candidate !== plan)) {
                const doc = DOCS[other.tenant]!;
                expect(text, `${plan.tenant} mentions ${other.tenant}`).not.toMatch(new RegExp(`\\b${other.tenant}\\b`));
                expect(text).not.toContain(doc.network!.cidr);
                for (const key of ofType(other, T.kmsKey)) {
                    expect(text).not.toContain(key.id);
                }
            }
        }
    });
});

describe("the readable plan", () => {
    it.each(ALL)("GIVEN %s WHEN summarised THEN it shows networks by tier, two NICs per server, open ports, the backup schedule", (id) => {
        const summary = renderTenant(planOf(phaseOne, id));
        expect(summary).toMatch(/access tier: .+, .+/);
        expect(summary).toMatch(/admin tier: /);
        expect(summary).toMatch(/server \S+ \(.+\): eth0 access, eth1 admin/);
        expect(summary).toMatch(/open tcp\/22 on \S+ from prefix list/);
        expect(summary).toMatch(/backup .+ database-weekly: .+, kept 7 days here, 1 off-site copy kept 365 days/);
        expect(summary).toMatch(/backup .+ database-daily: .+, kept 31 days here, 1 off-site copy kept 31 days/);
    });

    it("GIVEN a customer's own domain WHEN summarised THEN the DNS records the customer must create are listed", () => {
        const plan = planOf(phaseOne, "initech");
        const summary = renderTenant(plan);
        expect(summary).toContain("DNS records the customer must create:");
        // Its name points at the platform's edge name, which fails over to the recovery environment (VPN modes too).
        expect(summary).toMatch(/pm\.initech\.com\.? CNAME initech\.edge\.itm\.example\.net/);
        expect(renderTenant(planOf(phaseOne, "acme"))).not.toContain("DNS records the customer must create");
    });

    it("GIVEN a VPN tenant WHEN summarised THEN its tunnels and routing are shown without the keys", () => {
        const summary = renderTenant(planOf(phaseOne, "initech"));
        expect(summary).toMatch(/vpn \S+: 2 tunnels, IKE \["ikev2"\], static routes 192\.168\.0\.0\/16, 172\.31\.0\.0\/16, pre-shared keys \[secret\]/);
        // AWS assigns the tunnels' outside addresses when it creates the connection.
        expect(summary).toMatch(/tunnel 1: AWS endpoint \(known after deploy\)/);
        expect(summary).not.toMatch(/AWS endpoint \d+\.\d+\.\d+\.\d+/);
    });
});

function resolveTenantCompute(id: string): number {
    const tenant = tenants.find((candidate) => candidate.id === id);
    return tenant && tenant.mode !== "saas" ? tenant.compute.instances : 0;
}
