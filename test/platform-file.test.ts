// The platform's settings files (platform-configs/<region>.yaml): validated like tenant files,
// across regions (one homeRegion, one baseDomain), and what a tenant file needs of them (its region
// has one; domain.own is not under their base domain). Fixtures only, never the repository's files.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";

import platformSchema from "../platform-configs/platform.schema.json";
import tenantSchema from "../tenant-configs/tenant.schema.json";
import { planStack } from "../scripts/lib/plan/engine";
import { planFleet } from "../scripts/lib/plan/fleet";
import { platformProgram } from "../stacks";
import { leftoverConfigProblem, loadPlatformFleet, platformSettingsProblem, validatePlatformFile, validatePlatformFleet } from "../stacks/config/platform-file";
import { platformSettingsFor } from "../stacks/platform";
import { platformIndex } from "../stacks/config/platform-index";
import { resolveTenant } from "../stacks/config/tenant";
import { loadFleetDirectory } from "../stacks/config/load-fleet";
import { validateFleet } from "../stacks/config/validate";
import { PLATFORM_DEFAULTS } from "../stacks/config/platform-settings";
import { FIRST_NAME_DOMAIN_MAX } from "../lib/naming";
import { platformFileText, platformFixture } from "./fixtures/platform-configs";

const FILE = "platform-configs/eu-west-1.yaml";
const validate = (text: string, file: string = FILE) => validatePlatformFile(file, Buffer.from(text));

describe("one platform file", () => {
    it("GIVEN the four settings without a default WHEN validated THEN it is valid and every other setting is its documented default", () => {
        const result = validate(platformFileText("eu-west-1"));
        expect(result.problems).toEqual([]);
        expect(result.settings).toEqual({
            ...PLATFORM_DEFAULTS,
            offsiteGatewayIp: "81.2.69.160",
            offsiteRegion: "eu-central-1",
            organizationTrailArn: undefined,
            guardDutyDetectorId: undefined,
            alertEmails: ["operations@example.com"],
        });
    });

    it.each<[string, string, string, string]>([
        ["an unknown setting, a typo", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\nnetworkCidrs: 10.15.0.0/16\n", "6:1: /networkCidrs", 'unknown setting "networkCidrs" (did you mean "networkCidr"?); allowed: region, baseDomain'],
        ["a missing required setting", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\nalertEmails: []\n", "1:1: /offsiteGatewayIp", "is required: expected the public IPv4 address"],
        ["a wrong type", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: oncall@example.com\n", "5:14: /alertEmails", 'must be a list, got "oncall@example.com"'],
        ["a semantic problem in a list", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\noffsiteNetworks:\n  - 10.13.0.0/24\n  - 192.168.0.0/24\n", "8:5: /offsiteNetworks/1", "192.168.0.0/24 lies outside the platform block 10.0.0.0/12"],
        ["a private gateway address", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 10.1.2.3\nalertEmails: []\n", "4:19: /offsiteGatewayIp", '"10.1.2.3" is not a public IPv4 address'],
        ["a region that is not the file's", "region: us-east-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\n", "1:9: /region", '"us-east-1" does not match the file name "eu-west-1.yaml"'],
        ["a secret-looking setting", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\nofflinePresharedKey: abc\n", "6:1: /offlinePresharedKey", "secret-looking settings are not allowed in platform files"],
        ["a duplicate key", "region: eu-west-1\nregion: eu-west-1\n", "2:1: /region", "duplicate"],
        ["an off-site network listed twice (one VPN's static routes)", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\noffsiteNetworks: [10.13.0.0/24, 10.13.0.0/24]\n", "6:33: /offsiteNetworks/1", "10.13.0.0/24 overlaps offsiteNetworks[0] 10.13.0.0/24; list each network once"],
        ["an off-site network inside another", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\noffsiteNetworks: [10.13.0.0/16, 10.13.4.0/24]\n", "6:33: /offsiteNetworks/1", "10.13.4.0/24 overlaps offsiteNetworks[0] 10.13.0.0/16"],
        ["an off-site network among the staff's VPN addresses", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\noffsiteNetworks: [10.14.1.0/24]\n", "6:19: /offsiteNetworks/0", "10.14.1.0/24 overlaps clientVpnCidr 10.14.0.0/22"],
        ["a suspicious network AWS WAF refuses", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\nsuspiciousNetworks: [0.0.0.0/0]\n", "6:22: /suspiciousNetworks/0", "0.0.0.0/0 is the whole internet; AWS WAF's IP sets take /1 to /32"],
        ["a suspicious network in the tenants' space", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\nsuspiciousNetworks: [45.155.205.0/24, 10.20.0.0/16]\n", "6:39: /suspiciousNetworks/1", "10.20.0.0/16 overlaps the private range 10.0.0.0/8 (RFC 1918"],
        ["a suspicious network inside another", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\nsuspiciousNetworks: [45.155.0.0/16, 45.155.205.0/24]\n", "6:37: /suspiciousNetworks/1", "45.155.205.0/24 overlaps suspiciousNetworks[0] 45.155.0.0/16; list each network once"],
        ["a suspicious network listed twice", "region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\nsuspiciousNetworks: [45.155.205.0/24, 45.155.205.0/24]\n", "6:39: /suspiciousNetworks/1", "overlaps suspiciousNetworks[0] 45.155.205.0/24"],
    ])("GIVEN %s WHEN validated THEN one positioned problem says so", (_case, text, where, message) => {
        const { problems, settings } = validate(text);
        expect(settings).toBeUndefined();
        expect(problems.map((problem) => `${problem.line}:${problem.column}: ${problem.path}`)).toContain(where);
        expect(problems.find((problem) => `${problem.line}:${problem.column}: ${problem.path}` === where)?.message).toContain(message);
    });

    it("GIVEN values and keys a terminal would act on, or that look like secrets WHEN validated THEN no message carries them as written", () => {
        // Escapes in double quotes: the characters themselves in the file are refused before any setting is read.
        const lines = [
            "region: eu-west-1",
            "baseDomain: itm.example.net",
            "homeRegion: eu-west-1",
            "offsiteGatewayIp: AKIAIOSFODNN7EXAMPLE",
            'alertEmails: ["ops\\u009b@example.com"]',
            'deployRoleName: "a\\u001b[2Jb"',
            'appServerType: "m6i\\u009b.large"',
            'databaseClass: "db.m6g\\u202e.xlarge"',
            'canaryRuntime: "syn\\u200b"',
        ];
        const values = validate(`${lines.join("\n")}\n`).problems;
        expect(values.map((problem) => problem.path).sort()).toEqual(["/alertEmails/0", "/appServerType", "/canaryRuntime", "/databaseClass", "/deployRoleName", "/offsiteGatewayIp"]);
        const keys = validate(`${lines.slice(0, 3).join("\n")}\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\n"fo\\u009bo": 1\nAKIAIOSFODNN7EXAMPLE: 1\n`).problems;
        for (const problem of [...values, ...keys]) {
            expect(problem.message).not.toMatch(/[\p{Cc}\p{Cf}]|AKIA/u);
            expect(problem.path).not.toMatch(/AKIA/);
        }
        const at = (path: string) => values.find((problem) => problem.path === path)?.message;
        expect(at("/deployRoleName")).toContain('"a\\u001b[2Jb" is not an IAM role name');
        expect(at("/appServerType")).toContain('"m6i\\u009b.large" is not an EC2 instance type');
        expect(at("/databaseClass")).toContain('"db.m6g\\u202e.xlarge" is not an RDS instance class');
        expect(at("/canaryRuntime")).toContain('"syn\\u200b" is not a runtime');
        expect(at("/alertEmails/0")).toContain('"ops\\u009b@example.com" is not an email address');
        expect(at("/offsiteGatewayIp")).toContain("(a value that looks like a secret, not shown) is not a public IPv4 address");
        expect(keys.find((problem) => problem.path === "/fo\u009bo")?.message).toContain('unknown setting "fo\\u009bo"');
        // The secret-looking key is placed at its line, not the document's first.
        expect(keys.find((problem) => problem.path === "/")).toMatchObject({ line: 7, column: 1, message: expect.stringContaining("an unknown setting whose name looks like a secret (not shown)") });
    });

    it("GIVEN a region setting of the wrong type WHEN validated THEN it is one problem, its type's, not also a region outside the list", () => {
        const { problems } = validate("region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: 1\noffsiteGatewayIp: 81.2.69.160\nalertEmails: []\n");
        expect(problems.map((problem) => `${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`)).toEqual([expect.stringMatching(/^3:13: \/homeRegion: must be a string, got 1; expected the region/)]);
    });

    it("GIVEN an empty file WHEN validated THEN the message speaks of a platform settings file and its schema", () => {
        expect(validate("# nothing\n").problems).toEqual([
            { file: FILE, line: 1, column: 1, path: "/", message: "the file is empty (only comments); a platform settings file is a YAML mapping (see platform-configs/platform.schema.json)" },
        ]);
    });

    it("GIVEN a key given twice WHEN validated THEN the file's other problems are reported too, as in tenant files", () => {
        const { problems, settings } = validate("region: eu-west-1\nbaseDomain: itm.example.net\nhomeRegion: eu-west-1\noffsiteGatewayIp: 10.1.2.3\nalertEmails: []\nappServerCount: 2\nappServerCount: 3\n");
        expect(settings).toBeUndefined();
        expect(problems.map((problem) => `${problem.line}:${problem.column}: ${problem.path}: ${problem.message.slice(0, 40)}`)).toEqual([
            '4:19: /offsiteGatewayIp: "10.1.2.3" is not a public IPv4 address ',
            "7:1: /appServerCount: duplicate key: each field may appear onl",
        ]);
    });

    it("GIVEN the longest base domain the settings take WHEN validated THEN it is valid, and the schema (what editors and messages show) states that length", () => {
        const longest = `${"a".repeat(FIRST_NAME_DOMAIN_MAX - ".example.net".length)}.example.net`;
        expect(validate(platformFileText("eu-west-1", { baseDomain: longest })).problems).toEqual([]);
        expect(validate(platformFileText("eu-west-1", { baseDomain: `a${longest}` })).problems[0]?.message).toContain(`at most ${FIRST_NAME_DOMAIN_MAX}`);
        expect(platformSchema.properties.baseDomain.description).toContain(`at most ${FIRST_NAME_DOMAIN_MAX} characters`);
    });

    it("GIVEN an empty key WHEN validated THEN the message names a platform file's fields, not a tenant file's", () => {
        const { problems } = validate('region: eu-west-1\n"": x\n');
        expect(problems).toEqual([{ file: FILE, line: 2, column: 1, path: "/", message: 'a key here is empty (""); every key is a field name (region:, baseDomain:, ...)' }]);
    });

    it("GIVEN a file named after no region WHEN validated THEN its name is refused", () => {
        const { problems } = validate(platformFileText("eu-west-1"), "platform-configs/eu-west1.yaml");
        expect(problems[0]?.message).toContain('the file name "eu-west1.yaml" is not <region>.yaml for a supported AWS region (did you mean "eu-west-1"?); a platform file is named after its region');
    });

    it("GIVEN the schema WHEN compared with the tenant schema and the settings THEN it offers the same regions and every setting", () => {
        expect(platformSchema.$defs.region.enum).toEqual(tenantSchema.$defs.region.enum);
        expect(Object.keys(platformSchema.properties).filter((key) => key !== "region").sort()).toEqual(
            Object.keys(validate(platformFileText("eu-west-1")).settings!).sort(),
        );
        expect(platformSchema.additionalProperties).toBe(false);
    });
});

describe("platform files together", () => {
    it("GIVEN two files naming different base domains and home regions WHEN validated THEN each file is refused at the setting, naming the other", () => {
        const fleet = platformFixture(["eu-west-1", "us-east-1"], {}, { "us-east-1": { baseDomain: "itm.example.org", homeRegion: "us-east-1" } });
        expect(fleet.problems.filter((problem) => problem.path === "/baseDomain").map((problem) => [problem.file, problem.message])).toEqual([
            ["platform-configs/eu-west-1.yaml", expect.stringContaining('"itm.example.net" disagrees with itm.example.org (platform-configs/us-east-1.yaml)')],
            ["platform-configs/us-east-1.yaml", expect.stringContaining('"itm.example.org" disagrees with itm.example.net (platform-configs/eu-west-1.yaml)')],
        ]);
        expect(fleet.problems.filter((problem) => problem.path === "/homeRegion")).toHaveLength(2);
        expect(fleet.settings.size).toBe(0);
        expect(fleet.baseDomain).toBeUndefined();
    });

    it("GIVEN a home region without a file WHEN validated THEN the others are refused saying what to add", () => {
        const fleet = validatePlatformFleet([{ file: "platform-configs/us-east-1.yaml", bytes: Buffer.from(platformFileText("us-east-1")) }]);
        expect(fleet.problems).toEqual([
            { file: "platform-configs/us-east-1.yaml", line: 4, column: 13, path: "/homeRegion", message: expect.stringContaining("the home region eu-west-1 has no platform file; add platform-configs/eu-west-1.yaml") },
        ]);
        expect(platformSettingsProblem("us-east-1", fleet)).toMatch(/^the platform settings of us-east-1 are invalid:\n {2}platform-configs\/us-east-1\.yaml:4:13: \/homeRegion:/);
        expect(platformSettingsProblem("ap-south-1", fleet)).toMatch(/^platform-ap-south-1 has no settings file: add platform-configs\/ap-south-1\.yaml/);
        // The program refuses to run with it: a RunError (one message, no stack trace in pulumi up).
        expect(() => platformSettingsFor("us-east-1", fleet)).toThrow(pulumi.RunError);
        expect(() => platformSettingsFor("us-east-1", fleet)).toThrow("the platform settings of us-east-1 are invalid:\n  platform-configs/us-east-1.yaml:4:13: /homeRegion:");
        expect(() => platformSettingsFor("ap-south-1", fleet)).toThrow("platform-ap-south-1 has no settings file: add platform-configs/ap-south-1.yaml");
        // With both files the region has its settings, and nothing to fix.
        const both = validatePlatformFleet(["eu-west-1", "us-east-1"].map((region) => ({ file: `platform-configs/${region}.yaml`, bytes: Buffer.from(platformFileText(region)) })));
        expect(platformSettingsProblem("us-east-1", both)).toBeUndefined();
        expect(platformSettingsFor("us-east-1", both)).toBe(both.settings.get("us-east-1"));
    });

    describe("GIVEN a folder", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-configs-"));
        afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
        fs.writeFileSync(path.join(dir, "eu-west-1.yaml"), platformFileText("eu-west-1"));
        fs.writeFileSync(path.join(dir, "us-east-1.yml"), platformFileText("us-east-1"));
        fs.writeFileSync(path.join(dir, "platform.schema.json"), "{}");

        it("WHEN loaded THEN a file of the wrong extension is an error, never skipped; the schema is not a platform file", () => {
            const fleet = loadPlatformFleet(dir, dir);
            expect(fleet.problems).toEqual([{ file: "us-east-1.yml", line: 1, column: 1, path: "/", message: expect.stringContaining("only <region>.yaml files are platform files; rename it to us-east-1.yaml") }]);
            expect([...fleet.settings.keys()]).toEqual(["eu-west-1"]);
        });

        it("WHEN a tenant's region has no file THEN the tenant file is refused at /region saying what to add", () => {
            const tenants = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-configs-"));
            try {
                fs.writeFileSync(path.join(tenants, "solo.yaml"), "tenant: solo\ncompany: Solo\nmode: saas\nregion: us-east-1\n");
                fs.writeFileSync(path.join(tenants, "home.yaml"), "tenant: home\ncompany: Home\nmode: saas\nregion: eu-west-1\n");
                const fleet = loadFleetDirectory(tenants, { platformDir: dir });
                expect(fleet.problems).toEqual([
                    {
                        file: expect.stringMatching(/solo\.yaml$/),
                        line: 4,
                        column: 9,
                        path: "/region",
                        message: expect.stringContaining(`us-east-1 has no platform settings: add ${dir}/us-east-1.yaml (copy ${dir}/eu-west-1.yaml, set region: us-east-1`),
                    },
                ]);
                expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["home"]);
            } finally {
                fs.rmSync(tenants, { recursive: true, force: true });
            }
        });
    });
});

describe("the tenant files against the platform's base domain", () => {
    const tenant = (own: string) => ({ file: "acme.yaml", bytes: Buffer.from(`tenant: acme\ncompany: Acme\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  own: ${own}\n`) });
    const platforms = { regions: new Set(["eu-west-1"]), baseDomain: "itm.acme-saas.com", dir: "platform-configs" };

    it("GIVEN the platform files' base domain WHEN domain.own is under it THEN it is refused; a name under the default base domain is then the customer's", () => {
        expect(validateFleet([tenant("globex.itm.acme-saas.com")], undefined, [], platforms).problems).toEqual([
            { file: "acme.yaml", line: 6, column: 8, path: "/domain/own", message: expect.stringContaining('is under the platform\'s domain itm.acme-saas.com, which the platform holds, not the customer: for a name under it, write "subdomain: globex" instead') },
        ]);
        expect(validateFleet([tenant("globex.itm.example.net")], undefined, [], platforms).problems).toEqual([]);
        expect(validateFleet([tenant("globex.itm.example.net")]).problems.map((problem) => problem.path)).toEqual(["/domain/own"]);
    });

    it("GIVEN a folder of platform files WHEN indexed THEN it names its regions and the base domain they agree on", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-index-"));
        try {
            fs.writeFileSync(path.join(dir, "eu-west-1.yaml"), platformFileText("eu-west-1", { baseDomain: "itm.acme-saas.com" }));
            fs.writeFileSync(path.join(dir, "us-east-1.yaml"), platformFileText("us-east-1", { baseDomain: "itm.acme-saas.com" }));
            expect(platformIndex(dir, "shown")).toEqual({ regions: new Set(["eu-west-1", "us-east-1"]), baseDomain: "itm.acme-saas.com", dir: "shown" });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the platform program and the offline plan", () => {
    it("GIVEN a setting left in the platform stack's Pulumi config WHEN planned THEN it is refused naming the file to move it to, without its value", async () => {
        expect(leftoverConfigProblem((key) => key === "offsiteGatewayIp", "eu-west-1")).toBe(
            "platform-eu-west-1's Pulumi config sets offsiteGatewayIp: platform settings live in platform-configs/eu-west-1.yaml; move it there and remove it from the stack (pulumi config rm offsiteGatewayIp --stack platform-eu-west-1)",
        );
        const settings = platformFixture(["eu-west-1"]).settings.get("eu-west-1")!;
        await expect(
            planStack({ stack: "platform-eu-west-1", region: "eu-west-1", config: { offsiteGatewayIp: "81.2.69.161" }, program: () => platformProgram("eu-west-1", settings) }),
        ).rejects.toThrow("platform-eu-west-1's Pulumi config sets offsiteGatewayIp: platform settings live in platform-configs/eu-west-1.yaml");
    });

    it("GIVEN platform files WHEN a fleet is planned THEN no config is stood in for, the files' values are planned, and a region without a file is an error", async () => {
        const tenants = [resolveTenant({ tenant: "solo", company: "Solo", mode: "saas", region: "us-east-1" }, "fixtures/solo.yaml")];
        const document = await planFleet({ tenants, platformRegions: ["us-east-1"], platforms: platformFixture(["eu-west-1"], { offsiteGatewayIp: "81.2.69.170" }) });
        expect(document.standInConfig).toEqual([]);
        expect(document.tenants.map((plan) => plan.tenant)).toEqual(["platform-eu-west-1", "platform-eu-west-1-recovery"]);
        const gateway = document.tenants[0]!.resources.find((resource) => resource.type === "aws:ec2/customerGateway:CustomerGateway");
        expect(gateway?.inputs.ipAddress).toBe("81.2.69.170");
        expect(document.errors).toContainEqual({
            file: "platform-configs/us-east-1.yaml",
            line: 1,
            column: 1,
            path: "/",
            message: expect.stringContaining("no such file: platform-us-east-1 has no platform settings; add platform-configs/us-east-1.yaml"),
        });
    });
});
