import { describe, expect, it } from "vitest";

import { fittedName, loadBalancerName, RESERVED_NAME_PREFIXES, reservedPrefixFreeName } from "../lib/naming";
import { AWS_CATALOGUE, awsRuleMessage, checkAwsRules, compileAwsPattern, compileCatalogue } from "../scripts/lib/plan/aws-rules";
import type { PlannedResource } from "../scripts/lib/plan/engine";
import { awsRuleErrors, awsRuleFieldPath } from "../scripts/lib/plan/stack-errors";
import { AUTONAME, autoName, prefixedName, UNIQUE_ID_LENGTH } from "../scripts/lib/plan/mock-autoname";
import { PlanMocks } from "../scripts/lib/plan/mocks";

/** A domain name of exactly `length` characters, of labels of at most 63 (DNS) ending in `.com`. */
function domainOfLength(length: number): string {
    let name = "com";
    while (name.length < length) {
        const remaining = length - name.length;
        const label = remaining >= 64 ? (remaining === 64 ? 61 : 62) : remaining - 1;
        name = `${"a".repeat(label)}.${name}`;
    }
    return name;
}

/**
 * Inputs holding `value` where a rule's path points: an array for `*` inside the path or over a
 * list, an object for the values of a map (`tags/*`, `dimensions/*`), `value` as the key for `<key>`.
 */
function inputsAt(path: string, value: string): Record<string, unknown> {
    const segments = path.split("/");
    let node: unknown = value;
    for (let index = segments.length - 1; index >= 0; index--) {
        const segment = segments[index]!;
        const parent = segments[index - 1] ?? "";
        if (segment === "<key>") {
            node = { [value]: "x" };
        } else if (segment === "*") {
            node = index === segments.length - 1 && ["tags", "dimensions"].includes(parent) ? { k: node } : [node];
        } else {
            node = { [segment]: node };
        }
    }
    return node as Record<string, unknown>;
}

/** Values of rules the generic samples do not fit: [passing, breaking]. */
const SAMPLES: Record<string, readonly [string, string]> = {
    "aws:ssm/association:Association associationName": ["tenant-app_copy.1", "tenant app"],
    "aws:ssm/association:Association name": ["AWS-RunShellScript", "AWS RunShellScript"],
    "aws:ssm/association:Association maxConcurrency": ["10%", "0"],
    "aws:ssm/association:Association maxErrors": ["0", "-1"],
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask maxConcurrency": ["1", "101%"],
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask maxErrors": ["0", "01"],
    "aws:synthetics/canary:Canary handler": ["check.handler", "check"],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter name": ["acme-rejected-packets", "acme:rejected"],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter metricTransformation/name": ["acme-rejected-packets", "acme$rejected"],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter metricTransformation/namespace": ["TenantPlatform/Network", "TenantPlatform:Network"],
    "aws:cloudwatch/logStream:LogStream name": ["connections", "connections*"],
    "aws:cloudwatch/metricAlarm:MetricAlarm namespace": ["TenantPlatform/Network", ":Network"],
    "aws:cloudwatch/eventTarget:EventTarget targetId": ["findings-to-operations", "findings to operations"],
    "aws:iam/role:Role description": ["AWS Backup of acme: backs up the database", "tab\tin description"],
    "aws:directoryservice/directory:Directory description": ["AD Connector to corp.example.com across the VPN", "-AD Connector"],
    "aws:wafv2/webAcl:WebAcl description": ["Web firewall of acme-front-door", "Web firewall of acme's front door"],
    "aws:wafv2/ipSet:IpSet description": ["Suspicious networks blocked at acme", "Suspicious networks; blocked"],
    "aws:wafv2/webAcl:WebAcl rules/*/visibilityConfig/metricName": ["acme-front-door-AWSManagedRulesCommonRuleSet", "acme front door"],
    "aws:wafv2/webAcl:WebAcl visibilityConfig/metricName": ["acme-front-door-waf", "acme front door"],
    "aws:ssm/patchGroup:PatchGroup patchGroup": ["helvetia-bank", "helvetia bank!"],
    "aws:ec2/securityGroup:SecurityGroup description": ["Application servers acme-servers, access interface: HTTPS (443) from the load balancer", "Tenants' own load balancers"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule description": ["HTTPS from the internet [front door] #1", "Application traffic from the tenants' own load balancers"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule description": ["HTTPS to the interface endpoints of the VPC (SSM)", "HTTPS to the VPC's interface endpoints (SSM)"],
    "aws:backup/plan:Plan name": ["acme-backup_database.plan", "acme backup plan"],
    "aws:backup/vault:Vault name": ["acme-backup_vault", "acme.backup.vault"],
    "aws:backup/selection:Selection name": ["acme-backup_database.selection", "acme backup selection"],
    "aws:backup/plan:Plan rules/*/ruleName": ["database-every-2_hours.1", "database every 2 hours"],
    "aws:backup/plan:Plan rules/*/targetVaultName": ["acme-backup_vault", "acme.backup.vault"],
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration backupVaultName": ["acme-backup_vault", "a"],
    "aws:backup/vaultNotifications:VaultNotifications backupVaultName": ["platform-eu-west-1-backup-vault", "platform/backup/vault"],
    "aws:ssm/document:Document name": ["platform-eu-west-1-tenant-app", "tenant app"],
    "aws:lb/listener:Listener defaultActions/*/redirect/protocol": ["HTTPS", "https"],
    "aws:backup/restoreTestingPlan:RestoreTestingPlan recoveryPointSelection/algorithm": ["RANDOM_WITHIN_WINDOW", "LATEST"],
    "aws:backup/restoreTestingPlan:RestoreTestingPlan recoveryPointSelection/recoveryPointTypes/*": ["CONTINUOUS", "snapshot"],
};

function samples(rule: (typeof AWS_CATALOGUE.rules)[number]): readonly [string, string] {
    const own = SAMPLES[`${rule.type} ${rule.property}`];
    if (own) {
        return own;
    }
    const compiled = compileCatalogue({ rules: [rule], ec2InstanceTypes: AWS_CATALOGUE.ec2InstanceTypes }).forType(rule.type.replace(/\*$/, "x"))[0]!;
    if (compiled.allowed) {
        const first = [...compiled.allowed][0]!;
        return [first, `${first}-not-listed`];
    }
    if (rule.max === undefined) {
        throw new Error(`${rule.type} ${rule.property}: no generic sample (a pattern without a maximum): add one to SAMPLES`);
    }
    const lower = rule.type.includes("s3/") || rule.type.includes("synthetics");
    const fits = rule.type.startsWith("aws:acm/") ? domainOfLength(rule.max) : (lower ? "a" : "A") + "a".repeat(rule.max - 1);
    return [fits, `a${fits}`];
}

function resource(type: string, inputs: Record<string, unknown>): PlannedResource {
    return { type, name: "logical", id: "id", parent: null, inputs, protect: false, retainOnDelete: false };
}

describe("provider autonaming (pulumi-aws v7)", () => {
    it("is the logical name, a hyphen and 7 hex characters, the same on every run", () => {
        const rule = AUTONAME["aws:iam/role:Role"]!;
        const name = autoName("aws:iam/role:Role", "acme-backup-role", rule, "seed");
        expect(name).toMatch(/^acme-backup-role-[0-9a-f]{7}$/);
        expect(autoName("aws:iam/role:Role", "acme-backup-role", rule, "seed")).toBe(name);
        expect(autoName("aws:iam/role:Role", "acme-backup-role", rule, "other")).not.toBe(name);
    });

    it.each([
        ["aws:lb/targetGroup:TargetGroup", 32],
        ["aws:iam/role:Role", 64],
        ["aws:cloudwatch/eventRule:EventRule", 64],
        ["aws:sns/topic:Topic", 80],
        ["aws:s3/bucket:Bucket", 63],
        ["aws:backup/vault:Vault", 255],
        ["aws:lb/loadBalancer:LoadBalancer", 255],
    ])("%s: fits at %i characters exactly and fails one beyond with the bridge's error", (type, max) => {
        const rule = AUTONAME[type]!;
        const fitting = "a".repeat(max - 8);
        expect(autoName(type, fitting, rule, "s")).toHaveLength(max);
        const long = "a".repeat(max - 7);
        expect(() => autoName(type, long, rule, "s")).toThrow(
            `could not make instance of '${type}': name '${long}-' plus 7 random chars is longer than maximum length ${max}`,
        );
    });

    it("lowercases S3 bucket names, prefixes KMS aliases and puts no separator in RDS identifiers", () => {
        expect(autoName("aws:s3/bucket:Bucket", "Acme-Files", AUTONAME["aws:s3/bucket:Bucket"]!, "s")).toMatch(/^acme-files-[0-9a-f]{7}$/);
        expect(autoName("aws:kms/alias:Alias", "acme-key", AUTONAME["aws:kms/alias:Alias"]!, "s")).toMatch(/^alias\/acme-key-[0-9a-f]{7}$/);
        expect(autoName("aws:rds/instance:Instance", "acme-db", AUTONAME["aws:rds/instance:Instance"]!, "s")).toMatch(/^acme-db[0-9a-f]{7}$/);
    });
});

describe("a name from a prefix (namePrefix, bucketPrefix)", () => {
    const mocks = (): PlanMocks => new PlanMocks({ stack: "acme", region: "eu-west-1", stackOutputs: new Map() });
    const nameOf = (type: string, inputs: Record<string, unknown>): unknown =>
        mocks().newResource({ type, name: "acme-tg", inputs, custom: true } as Parameters<PlanMocks["newResource"]>[0]).state[AUTONAME[type]!.property];

    it("GIVEN a prefix WHEN named THEN the provider's prefix and 26 unique characters, stable run to run, never the logical name", () => {
        expect(UNIQUE_ID_LENGTH).toBe(26);
        expect(prefixedName("tg-", "s")).toMatch(/^tg-[0-9a-f]{26}$/);
        expect(prefixedName("tg-", "s")).toBe(prefixedName("tg-", "s"));
        const name = nameOf("aws:lb/targetGroup:TargetGroup", { namePrefix: "tg-" });
        expect(name).toMatch(/^tg-[0-9a-f]{26}$/);
        expect(nameOf("aws:s3/bucket:Bucket", { bucketPrefix: "acme-" })).toMatch(/^acme-[0-9a-f]{26}$/);
    });

    it("GIVEN a prefix longer than AWS's limit leaves room for WHEN named THEN the name is not shortened: the catalogue's 32 refuses it", () => {
        const name = String(nameOf("aws:lb/targetGroup:TargetGroup", { namePrefix: "tenant-" }));
        expect(name).toHaveLength(33);
        expect(checkAwsRules([{ type: "aws:lb/targetGroup:TargetGroup", name: "acme-tg", id: "tg", parent: null, inputs: { name }, protect: false, retainOnDelete: false }])).toHaveLength(1);
    });
});

describe("fittedName", () => {
    it.each([
        ["acme-front-door-tg", 32, "acme-front-door-tg"],
        ["platform-ap-southeast-5-front-door-tg", 32, undefined],
        ["abcdefghijklmnopqrstuvwxyz01234-backup-offsite-vault", 50, undefined],
        // A contract-valid tenant id may hold a doubled hyphen, which ELB and AWS Backup accept.
        ["a--b-front-door-tg", 32, "a--b-front-door-tg"],
        ["vpn--static-production-abcdefg-front-door-alb", 32, undefined],
    ])("%s within %i", (logical, max, expected) => {
        const name = fittedName(logical, max);
        expect(name.length).toBeLessThanOrEqual(max);
        expect(name).toMatch(/^[A-Za-z0-9]+(-+[A-Za-z0-9]+)*$/);
        if (expected) {
            expect(name).toBe(expected);
        } else {
            expect(name.startsWith(logical.slice(0, 10))).toBe(true);
            expect(fittedName(logical, max)).toBe(name);
        }
    });

    it("keeps names of different logical names apart and avoids ELB's reserved internal- prefix", () => {
        expect(fittedName(`${"a".repeat(40)}-x`, 32)).not.toBe(fittedName(`${"a".repeat(40)}-y`, 32));
        expect(loadBalancerName("internal-tools-front-door-alb").startsWith("internal-")).toBe(false);
    });

    it.each(["-acme-tg", "acme-tg-", "acme_tg", "acme.tg", ""])("throws on %j, which is no name the program builds", (logical) => {
        expect(() => fittedName(logical, 32)).toThrow(/fittedName: .* must be letters and digits joined by hyphens/);
    });
});

describe("reservedPrefixFreeName", () => {
    const ruleOf = (type: string, property: string) => compileAwsPattern(AWS_CATALOGUE.rules.find((rule) => rule.type === type && rule.property === property && rule.pattern)!.pattern!);
    const groupRule = () => ruleOf("aws:ec2/securityGroup:SecurityGroup", "name");
    const bucketRule = () => ruleOf("aws:s3/bucket:Bucket", "bucket");

    it.each([
        ["securityGroup", "acme-front-door-sg"],
        ["securityGroup", "xn--acme-front-door-sg"],
        ["bucket", "acme-files-bucket"],
        ["bucket", "sg-acme-files-bucket"],
        ["bucket", "a--b-files-bucket"],
    ] as const)("GIVEN the %s name %s, which AWS does not reserve, WHEN asked THEN it is left to the provider (undefined)", (kind, name) => {
        expect(reservedPrefixFreeName(kind, name)).toBeUndefined();
    });

    it.each([
        ["securityGroup", "sg-acme-front-door-sg", "t-sg-acme-front-door-sg-"],
        ["bucket", "xn--acme-files-bucket", "t-xn--acme-files-bucket-"],
        ["bucket", "sthree-acme-check-artifacts", "t-sthree-acme-check-artifacts-"],
        ["bucket", "amzn-s3-demo-acme-files-bucket", "t-amzn-s3-demo-acme-files-bucket-"],
    ] as const)("GIVEN the %s name %s, whose prefix AWS reserves, WHEN asked THEN it is t-<name>-<hash>, which AWS's rule accepts and the provider's generated name would not", (kind, name, start) => {
        const fitted = reservedPrefixFreeName(kind, name, "org/project")!;
        expect(fitted.startsWith(start)).toBe(true);
        expect(fitted).toMatch(/-[0-9a-f]{8}$/);
        expect(fitted.length).toBeLessThanOrEqual(RESERVED_NAME_PREFIXES[kind].max);
        expect(reservedPrefixFreeName(kind, name, "org/project")).toBe(fitted);
        const rule = kind === "bucket" ? bucketRule() : groupRule();
        expect(rule.test(fitted), fitted).toBe(true);
        expect(rule.test(`${name}-abcdef0`), name).toBe(false);
    });

    it("GIVEN the longest names of a 30-character id WHEN fitted THEN they stay within S3's 63 and apart by deployment scope", () => {
        const id = "amzn-s3-demo-abcdefghijklmnopq";
        expect(id).toHaveLength(30);
        const name = reservedPrefixFreeName("bucket", `${id}-check-artifacts`, "org/project")!;
        expect(name.length).toBeLessThanOrEqual(63);
        expect(bucketRule().test(name)).toBe(true);
        expect(reservedPrefixFreeName("bucket", `${id}-check-artifacts`, "staging/project")).not.toBe(name);
        expect(reservedPrefixFreeName("bucket", `${"amzn-s3-demo-".repeat(5)}-files-bucket`)!.length).toBeLessThanOrEqual(63);
    });
});

describe("the AWS rule catalogue", () => {
    it("keeps EC2's instance types and compiles every pattern", () => {
        expect(AWS_CATALOGUE.ec2InstanceTypes).toContain("m7g.large");
        expect(AWS_CATALOGUE.ec2InstanceTypes.length).toBeGreaterThan(1000);
        for (const rule of AWS_CATALOGUE.rules) {
            expect(() => (rule.pattern ? compileAwsPattern(rule.pattern) : undefined), `${rule.type} ${rule.property}`).not.toThrow();
            expect(rule.source.length).toBeGreaterThan(0);
        }
    });

    // Each rule alone (a property may have several: ACM's model allows 253 characters, its Common Name 64),
    // with a passing and a breaking value: its own where the generic ones do not apply (SAMPLES).
    it.each(AWS_CATALOGUE.rules.map((rule) => [rule.type, rule.property, rule] as const))("%s %s: a passing value passes, a breaking one breaks", (type, property, rule) => {
        const only = compileCatalogue({ rules: [rule], ec2InstanceTypes: AWS_CATALOGUE.ec2InstanceTypes });
        const [passing, breaking] = samples(rule);
        const concrete = type.endsWith("*") ? "aws:ec2/vpc:Vpc" : type;
        expect(checkAwsRules([resource(concrete, inputsAt(property, passing))], only)).toEqual([]);
        const breaks = checkAwsRules([resource(concrete, inputsAt(property, breaking))], only);
        expect(breaks).toHaveLength(1);
        expect(breaks[0]!.value).toBe(breaking);
    });

    it.each([
        ["aws:backup/vault:Vault", "name", "a".repeat(51), "a".repeat(50)],
        ["aws:lb/loadBalancer:LoadBalancer", "name", "a".repeat(33), "a".repeat(32)],
        ["aws:lb/loadBalancer:LoadBalancer", "name", "internal-acme", "acme-internal"],
        ["aws:lb/targetGroup:TargetGroup", "name", "acme-tg-", "acme-tg"],
        ["aws:rds/instance:Instance", "identifier", "acme--db", "acme-db"],
        ["aws:rds/instance:Instance", "identifier", "1acme", "acme1"],
        ["aws:ec2/instance:Instance", "instanceType", "m6i.larg", "m6i.large"],
        ["aws:s3/bucket:Bucket", "bucket", "Acme-files", "acme-files"],
        ["aws:s3/bucket:Bucket", "bucket", "xn--acme-files", "acme--files"],
        ["aws:s3/bucket:Bucket", "bucket", "sthree-acme-files", "three-acme-files"],
        ["aws:s3/bucket:Bucket", "bucket", "amzn-s3-demo-files", "amzn-s3-files"],
        ["aws:s3/bucket:Bucket", "bucket", "acme-files-s3alias", "acme-s3alias-files"],
        ["aws:s3/bucket:Bucket", "bucket", "acme--ol-s3", "acme-ol-s3"],
        ["aws:s3/bucket:Bucket", "bucket", "acme..files", "acme.files"],
        ["aws:s3/bucket:Bucket", "bucket", "192.168.5.4", "192.168.5.4a"],
        ["aws:synthetics/canary:Canary", "name", "acme-availability-chk1", "acme-availability"],
        ["aws:acm/certificate:Certificate", "domainName", `${"a".repeat(49)}.itm.example.net`, `${"a".repeat(48)}.itm.example.net`],
        ["aws:acm/certificate:Certificate", "domainName", "acme..example.net", "acme.example.net"],
        ["aws:backup/plan:Plan", "rules/*/ruleName", "database daily", "database-daily"],
        ["aws:backup/plan:Plan", "rules/*/targetVaultName", "acme.backup.vault", "acme-backup-vault"],
        // The API allows 200 characters where the console allows 50 (AWS Backup API Reference, BackupPlan).
        ["aws:backup/plan:Plan", "name", "a".repeat(201), `${"a".repeat(30)}-backup-database-plan-abcdef0`],
        ["aws:ec2/instance:Instance", "metadataOptions/httpTokens", "require", "required"],
        ["aws:ec2/instance:Instance", "tenancy", "shared", "host"],
        ["aws:ec2/dedicatedHost:DedicatedHost", "instanceFamily", "m6x", "m6i"],
        ["aws:ec2/dedicatedHost:DedicatedHost", "instanceFamily", "m6i.large", "r6i"],
        ["aws:rds/instance:Instance", "instanceClass", "db.m6g.larg", "db.m6g.large"],
        ["aws:rds/instance:Instance", "instanceClass", "db.m6g.medium", "db.t4g.medium"],
        ["aws:lb/listener:Listener", "protocol", "https", "HTTPS"],
        ["aws:lb/loadBalancer:LoadBalancer", "loadBalancerType", "alb", "application"],
        ["aws:kms/key:Key", "keyUsage", "ENCRYPT", "ENCRYPT_DECRYPT"],
        ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "description", "Traffic from the tenants' own load balancers", "Traffic from the own load balancers of the tenants"],
        ["aws:wafv2/webAcl:WebAcl", "description", "Web firewall of acme ", "Web firewall of acme"],
        ["aws:ec2/vpc:Vpc", "tags/<key>", "aws:created-by", "created-by"],
        ["aws:ec2/vpc:Vpc", "tags/<key>", "AWS:Name", "Name-aws:"],
        ["aws:ec2/vpc:Vpc", "tags/*", "a".repeat(257), "a".repeat(256)],
        ["pulumi:providers:aws", "defaultTags/tags/*", "ACME & Co", "ACME Co"],
        ["aws:iam/role:Role", "tags/*", "ACME (UK)", "ACME UK"],
        // Restore testing names: letters, digits and underscores only (AWS Backup API Reference): an auto-name's hyphen breaks them.
        ["aws:backup/restoreTestingPlan:RestoreTestingPlan", "name", "acme-recovery-restore-test-1a2b3c4", "acme_recovery_restore_test"],
        ["aws:backup/restoreTestingPlan:RestoreTestingPlan", "name", "a".repeat(51), "a".repeat(50)],
        ["aws:backup/restoreTestingSelection:RestoreTestingSelection", "name", "acme.database", "acme_database"],
        ["aws:backup/restoreTestingSelection:RestoreTestingSelection", "restoreTestingPlanName", "acme-restore-test", "acme_restore_test"],
        ["aws:backup/restoreTestingPlan:RestoreTestingPlan", "recoveryPointSelection/algorithm", "LATEST", "LATEST_WITHIN_WINDOW"],
        ["aws:backup/restoreTestingPlan:RestoreTestingPlan", "recoveryPointSelection/recoveryPointTypes/*", "SNAPSHOTS", "SNAPSHOT"],
        ["aws:route53/healthCheck:HealthCheck", "type", "https", "HTTPS"],
        ["aws:route53/healthCheck:HealthCheck", "resourcePath", `/${"a".repeat(255)}`, "/login"],
        ["aws:route53/record:Record", "failoverRoutingPolicies/*/type", "PRIMARY_", "SECONDARY"],
        ["aws:route53/record:Record", "setIdentifier", "a".repeat(129), "production"],
    ])("%s %s: %s breaks, %s passes", (type, property, breaking, passing) => {
        expect(checkAwsRules([resource(type, inputsAt(property, breaking))]).length).toBeGreaterThan(0);
        expect(checkAwsRules([resource(type, inputsAt(property, passing))])).toEqual([]);
    });

    it("reaches nested properties and array elements, and names the element that breaks", () => {
        const plan = resource("aws:backup/plan:Plan", {
            name: "acme-backup-database-plan",
            rules: [{ ruleName: "database-daily", targetVaultName: "acme-backup-vault" }, { ruleName: "database weekly", targetVaultName: "acme-backup-vault" }],
            tags: { tier: "data", "aws:owner": "x" },
        });
        expect(checkAwsRules([plan]).map((item) => [item.property, item.value])).toEqual([
            ["tags/aws:owner (key)", "aws:owner"],
            ["rules/1/ruleName", "database weekly"],
        ]);
    });

    it("applies the rules of every AWS resource to AWS resources only", () => {
        expect(checkAwsRules([resource("random:index/randomString:RandomString", { tags: { "aws:x": "y" } })])).toEqual([]);
        expect(checkAwsRules([resource("aws:sns/topic:Topic", { name: "ops", tags: { "aws:x": "y" } })])).toHaveLength(1);
    });

    it("skips values the plan cannot know", () => {
        expect(checkAwsRules([resource("aws:backup/vault:Vault", { name: "[unknown]" }), resource("aws:ec2/instance:Instance", { instanceType: "[secret]" })])).toEqual([]);
    });

    it.each([
        ["acme.itm.example.net", { id: "acme", domain: { kind: "subdomain", label: "acme" } }, "/domain/subdomain"],
        ["www.itm.acme.com", { id: "acme", domain: { kind: "own", fqdn: "itm.acme.com" } }, "/domain/own"],
        ["m6i.larg", { id: "acme", domain: { kind: "subdomain", label: "acme" }, compute: { instanceType: "m6i.larg" } }, "/compute/instanceType"],
        // A name built from the id is not a host name, even where the subdomain is the id.
        ["acme-backup-vault", { id: "acme", domain: { kind: "subdomain", label: "acme" } }, "/tenant"],
        ["platform-eu-west-1-vault", { id: "acme" }, "/"],
        ["platform-eu-west-1-vault", undefined, "/"],
    ] as const)("points a break of %j at the field it came from", (value, tenant, expected) => {
        expect(awsRuleFieldPath(value, tenant)).toBe(expected);
    });

    it("quotes a value over 200 characters as every message does: its first 200, and its length", () => {
        const own = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
        const message = awsRuleMessage("acme", {
            resource: resource("aws:acm/certificate:Certificate", { domainName: own }),
            property: "domainName",
            value: own,
            rule: "at most 219 characters when validated by DNS",
            source: "ACM",
        });
        expect(message).toContain(`domainName "${own.slice(0, 200)}..." (253 characters) breaks AWS's rule: at most 219 characters`);
        expect(message).not.toContain(own);
    });

    it("reports a break as an error of the tenant file naming stack, resource, property, value, rule and source", () => {
        const errors = awsRuleErrors("abcdefghijklmnopqrstuvwxyz0123", "fixtures/long.yaml", [
            { ...resource("aws:backup/vault:Vault", { name: "abcdefghijklmnopqrstuvwxyz0123-backup-offsite-vault" }), name: "abcdefghijklmnopqrstuvwxyz0123-backup-offsite-vault" },
        ], { id: "abcdefghijklmnopqrstuvwxyz0123" });
        expect(errors).toEqual([
            {
                file: "fixtures/long.yaml",
                line: 1,
                column: 1,
                path: "/tenant",
                message: expect.stringMatching(
                    /^abcdefghijklmnopqrstuvwxyz0123: aws:backup\/vault:Vault "abcdefghijklmnopqrstuvwxyz0123-backup-offsite-vault": name "abcdefghijklmnopqrstuvwxyz0123-backup-offsite-vault" \(51 characters\) breaks AWS's rule: .*\{2,50\}.*\(source: botocore .* backup CreateBackupVault/,
                ),
            },
        ]);
    });
});
