// The contract's v1.1 sizing rules: instance types EC2 has, RDS classes for PostgreSQL, an
// architecture the servers' image supports, physical database sizes the host's family has, and the
// packing of physical servers onto Dedicated Hosts. Pure tables, then whole files through the
// validator with their exact FILE:LINE:COLUMN: FIELD_PATH: message.

import { describe, expect, it } from "vitest";

import catalogue from "../stacks/config/aws-catalogue.json";
import { isPacking, packOnHosts } from "../stacks/config/dedicated-hosts";
import {
    architectureOfFamily,
    EC2_INSTANCE_TYPES,
    hostVcpus,
    sizeVcpus,
} from "../stacks/config/instance-types";
import { isRdsPostgresClass, RDS_POSTGRES_CLASSES } from "../stacks/config/rds-classes";
import { instanceClassProblem, instanceTypeProblem } from "../stacks/config/sizing-rules";
import { closest, editDistance } from "../stacks/config/suggest";
import { defaultSizes, ENVIRONMENTS } from "../stacks/config/tenant";
import { MODES } from "../lib/modes";
import { formatProblem, validateTenantFile } from "../stacks/config/validate";
import { PLATFORM_DEFAULTS, platformSettingsProblems } from "../stacks/config/platform-settings";

describe("the EC2 catalogue", () => {
    it("GIVEN aws-catalogue.json WHEN loaded THEN every type of EC2's list is known, and nothing else", () => {
        expect(EC2_INSTANCE_TYPES.size).toBe(catalogue.ec2InstanceTypes.length);
        expect(EC2_INSTANCE_TYPES.has("m6i.large")).toBe(true);
        expect(EC2_INSTANCE_TYPES.has("m6i.larg")).toBe(false);
        expect(EC2_INSTANCE_TYPES.has("m6i.medium")).toBe(false);
    });

    it.each([
        ["m7g", "arm64"], ["c7gn", "arm64"], ["r8g", "arm64"], ["t4g", "arm64"], ["x2gd", "arm64"], ["im4gn", "arm64"],
        ["is4gen", "arm64"], ["g5g", "arm64"], ["a1", "arm64"], ["hpc7g", "arm64"], ["m6i", "x86_64"], ["m7i-flex", "x86_64"],
        ["g5", "x86_64"], ["gr6", "x86_64"], ["u-6tb1", "x86_64"], ["t3", "x86_64"], ["c7a", "x86_64"],
    ])("GIVEN the family %s WHEN its architecture is named THEN it is %s", (family, architecture) => {
        expect(architectureOfFamily(family)).toEqual({ supported: true, architecture });
    });

    it.each(["mac1", "mac2", "mac2-m2pro", "mac-m4", "m1", "t1", "c1", "m2"])("GIVEN the family %s WHEN its architecture is named THEN no server image supports it", (family) => {
        expect(architectureOfFamily(family)).toMatchObject({ supported: false });
    });

    it.each([
        ["large", 2], ["medium", 2], ["nano", 2], ["xlarge", 4], ["2xlarge", 8], ["32xlarge", 128], ["metal", undefined], ["metal-24xl", undefined],
    ])("GIVEN the size %s WHEN its vCPUs are counted THEN they are %s", (size, vcpus) => {
        expect(sizeVcpus(size)).toBe(vcpus);
    });

    it.each([["m6i", 128], ["r7i", 192], ["t3", 8], ["u-6tb1", 448], ["mac2", undefined], ["nope", undefined]])(
        "GIVEN the family %s WHEN its host's capacity is derived THEN it is %s vCPUs",
        (family, vcpus) => {
            expect(hostVcpus(family)).toBe(vcpus);
        },
    );
});

describe("RDS classes for PostgreSQL", () => {
    it.each(["db.m6g.large", "db.m6i.32xlarge", "db.r6g.xlarge", "db.x2g.large", "db.t4g.micro", "db.t3.medium", "db.r7i.48xlarge", "db.m5.24xlarge"])(
        "GIVEN %s WHEN looked up THEN RDS has it",
        (instanceClass) => {
            expect(isRdsPostgresClass(instanceClass)).toBe(true);
        },
    );

    it.each(["db.m6g.larg", "db.m6g.medium", "db.m6i.metal", "db.t4g.nano", "db.x1.16xlarge", "db.c6gd.large", "db.x2gd.large", "db.m7i.metal-24xl", "m6g.large"])(
        "GIVEN %s WHEN looked up THEN RDS has not got it for PostgreSQL",
        (instanceClass) => {
            expect(isRdsPostgresClass(instanceClass)).toBe(false);
        },
    );

    it("GIVEN every class WHEN checked THEN each is db. + a family and a size EC2 has (x2g on x2gd)", () => {
        for (const instanceClass of RDS_POSTGRES_CLASSES) {
            const type = instanceClass.slice(3).replace(/^x2g\./, "x2gd.");
            expect(EC2_INSTANCE_TYPES.has(type), instanceClass).toBe(true);
        }
    });
});

describe("suggestions", () => {
    it.each([["kitten", "sitting", 3], ["", "abc", 3], ["m6i.larg", "m6i.large", 1], ["same", "same", 0]])("GIVEN %j and %j WHEN compared THEN the distance is %i", (a, b, distance) => {
        expect(editDistance(a, b)).toBe(distance);
    });

    it("GIVEN a typo WHEN the closest type is sought THEN it is found, and nothing for a value too far", () => {
        expect(closest("m6i.larg", EC2_INSTANCE_TYPES)).toBe("m6i.large");
        expect(closest("M6I.LARGE", EC2_INSTANCE_TYPES)).toBe("m6i.large");
        expect(closest("completely-wrong", EC2_INSTANCE_TYPES)).toBeUndefined();
    });
});

describe("packing servers onto Dedicated Hosts", () => {
    it.each<[string, string, string[], number, number[]]>([
        ["a database and two metal servers", "r6i", ["r6i.xlarge", "r6i.metal", "r6i.metal"], 3, [0, 1, 2]],
        ["small servers", "m6i", ["m6i.large", "m6i.xlarge", "m6i.xlarge", "m6i.xlarge"], 1, [0, 0, 0, 0]],
        ["two whole-host sizes and a database", "m6i", ["m6i.large", "m6i.32xlarge", "m6i.32xlarge"], 3, [0, 1, 2]],
        ["servers filling a host exactly", "m6i", ["m6i.16xlarge", "m6i.16xlarge", "m6i.large"], 2, [0, 0, 1]],
        ["a metal database", "m6i", ["m6i.metal", "m6i.large"], 2, [0, 1]],
        ["a metal-24xl size", "m7i", ["m7i.large", "m7i.metal-24xl"], 2, [0, 1]],
    ])("GIVEN %s WHEN packed THEN %i host(s) as %j", (_, family, types, hostCount, hostOf) => {
        expect(packOnHosts(family, types)).toEqual({ hostCount, hostOf });
    });

    it.each<[string, string[], string]>([
        ["a size the family has not got", ["m6i.medium"], "m6i.medium does not exist; m6i has "],
        ["another family", ["m6i.large", "r6i.large"], "r6i.large is not of the host's family m6i"],
    ])("GIVEN %s WHEN packed THEN it names the server and why", (_, types, message) => {
        const result = packOnHosts("m6i", types);
        expect(isPacking(result)).toBe(false);
        expect((result as { message: string }).message).toContain(message);
    });

    it("GIVEN one more server at a time WHEN packed THEN no earlier server ever moves to another host", () => {
        for (const size of ["large", "8xlarge", "16xlarge", "32xlarge", "metal"]) {
            let previous: readonly number[] = [];
            for (let count = 1; count <= 10; count++) {
                const result = packOnHosts("m6i", ["m6i.xlarge", ...Array.from({ length: count }, () => `m6i.${size}`)]);
                expect(isPacking(result)).toBe(true);
                const hostOf = (result as { hostOf: readonly number[] }).hostOf;
                expect(hostOf.slice(0, previous.length), `${count} x ${size}`).toEqual(previous);
                previous = hostOf;
            }
        }
    });
});

/** A cloud or physical tenant file with the given sizing lines; compute and database start at line 9. */
function tenantFile(mode: "cloud" | "physical", sizing: string, environment = "production"): Buffer {
    return Buffer.from(
        `tenant: acme\ncompany: ACME\nmode: ${mode}\nregion: eu-west-1\nenvironment: ${environment}\ndomain:\n  subdomain: acme\nnetwork:\n  cidr: 10.20.0.0/16\n${sizing}`,
    );
}

function problemsOf(bytes: Buffer): string[] {
    return validateTenantFile("tenant-configs/acme.yaml", bytes).problems.map(formatProblem);
}

describe("validating sizing in tenant files", () => {
    it.each([
        ["an existing type and class", "compute:\n  instanceType: m6i.large\ndatabase:\n  instanceClass: db.m6g.large\n"],
        ["a Graviton type", "compute:\n  instanceType: m7g.large\n"],
        ["a burstable Graviton type and class", "compute:\n  instanceType: t4g.medium\ndatabase:\n  instanceClass: db.t4g.medium\n"],
        ["a GPU type", "compute:\n  instanceType: g5.xlarge\n"],
    ])("GIVEN %s on a cloud tenant WHEN validated THEN it passes", (_, sizing) => {
        expect(problemsOf(tenantFile("cloud", sizing))).toEqual([]);
    });

    it.each([
        [
            "compute:\n  instanceType: m6i.larg\n",
            `tenant-configs/acme.yaml:11:17: /compute/instanceType: "m6i.larg" is not an EC2 instance type: m6i has no size "larg" (did you mean "m6i.large"?); m6i sizes: large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge, 24xlarge, 32xlarge, metal`,
        ],
        [
            "compute:\n  instanceType: m6i.huge\n",
            `tenant-configs/acme.yaml:11:17: /compute/instanceType: "m6i.huge" is not an EC2 instance type: m6i has no size "huge" (did you mean "m6i.large"?); m6i sizes: large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge, 24xlarge, 32xlarge, metal`,
        ],
        [
            "compute:\n  instanceType: m6x.large\n",
            `tenant-configs/acme.yaml:11:17: /compute/instanceType: "m6x.large" is not an EC2 instance type (did you mean "m6a.large"?); expected a type from EC2's list, such as m6i.large`,
        ],
        [
            "database:\n  instanceClass: db.m6g.larg\n",
            `tenant-configs/acme.yaml:11:18: /database/instanceClass: "db.m6g.larg" is not an RDS instance class: db.m6g has no size "larg" (did you mean "db.m6g.large"?); db.m6g sizes for PostgreSQL: large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge`,
        ],
        [
            "compute:\n  volumeGiB: 100\n  instanceType: mac2.metal\n",
            `tenant-configs/acme.yaml:12:17: /compute/instanceType: "mac2.metal" is an EC2 Mac instance, which boots only macOS images (x86_64_mac / arm64_mac); the servers run Amazon Linux 2023, which has images for x86_64 and arm64 (e.g. m6i.large, or m7g.large on Graviton)`,
        ],
        [
            "compute:\n  instanceType: m1.small\n",
            `tenant-configs/acme.yaml:11:17: /compute/instanceType: "m1.small" is a previous-generation type that runs only paravirtual (PV) images; Amazon Linux 2023 is HVM only; the servers run Amazon Linux 2023, which has images for x86_64 and arm64 (e.g. m6i.large, or m7g.large on Graviton)`,
        ],
    ])("GIVEN %j WHEN validated THEN exactly this problem, at the value, with the closest existing value", (sizing, problem) => {
        expect(problemsOf(tenantFile("cloud", sizing))).toEqual([problem]);
    });

    it("GIVEN a type and a class both wrong WHEN validated THEN both are reported", () => {
        const problems = problemsOf(tenantFile("cloud", "compute:\n  instanceType: m6i.larg\ndatabase:\n  instanceClass: db.m6g.larg\n"));
        expect(problems.map((problem) => problem.split(": ")[1])).toEqual(["/compute/instanceType", "/database/instanceClass"]);
    });

    it("GIVEN a malformed type WHEN validated THEN only the schema speaks", () => {
        const problems = problemsOf(tenantFile("cloud", "compute:\n  instanceType: M6I\n"));
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain('/compute/instanceType: "M6I" is not valid; expected an EC2 instance type name');
    });

    it.each(ENVIRONMENTS)("GIVEN a %s physical tenant with every default WHEN validated THEN it passes", (environment) => {
        expect(problemsOf(tenantFile("physical", "", environment))).toEqual([]);
    });

    it.each(MODES.filter((mode) => mode !== "saas"))("GIVEN the %s defaults of every environment WHEN checked THEN each type and class exists", (mode) => {
        for (const environment of ENVIRONMENTS) {
            const sizes = defaultSizes(mode, environment);
            expect(instanceTypeProblem(sizes.compute.instanceType)).toBeUndefined();
            expect(instanceClassProblem(sizes.database.instanceClass)).toBeUndefined();
        }
    });

    it("GIVEN a demo physical tenant on m6i.large with db.t4g.medium WHEN validated THEN the class is refused: m6i.medium does not exist", () => {
        expect(problemsOf(tenantFile("physical", "compute:\n  instanceType: m6i.large\ndatabase:\n  instanceClass: db.t4g.medium\n", "demo"))).toEqual([
            `tenant-configs/acme.yaml:13:18: /database/instanceClass: "db.t4g.medium": a physical tenant's database server runs on its m6i Dedicated Host as m6i.medium, which EC2 has not got; ` +
                "choose a class whose size m6i has (large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge, 24xlarge, 32xlarge, metal), e.g. db.t4g.large",
        ]);
    });

    it("GIVEN a physical family without the default database size WHEN validated THEN the default is refused at /database/instanceClass, pointing at the nearest place", () => {
        const problems = problemsOf(tenantFile("physical", "compute:\n  instanceType: u-6tb1.112xlarge\n"));
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^tenant-configs\/acme\.yaml:\d+:\d+: \/database\/instanceClass: the default class db\.m6g\.large \(production\): a physical tenant's database server runs on its u-6tb1 Dedicated Host as u-6tb1\.large, which EC2 has not got; no RDS class for PostgreSQL has a size of u-6tb1/);
    });

    it("GIVEN a physical tenant on two r6i.metal servers WHEN validated THEN it passes: each gets a host of its own", () => {
        expect(problemsOf(tenantFile("physical", "compute:\n  instanceType: r6i.metal\n  instances: 2\ndatabase:\n  instanceClass: db.r6g.large\n"))).toEqual([]);
    });

    it.each([
        ["m4.large", "m6i"],
        ["t2.large", "t3"],
        ["c4.2xlarge", "c6i"],
        ["r4.xlarge", "r6i"],
    ])("GIVEN a physical tenant on %s (Xen) WHEN validated THEN refused at the type: EC2 allocates a host per family only on Nitro", (type, successor) => {
        const problems = problemsOf(tenantFile("physical", `compute:\n  instanceType: ${type}\n  instances: 2\ndatabase:\n  instanceClass: db.m5.large\n`));
        expect(problems).toEqual([
            `tenant-configs/acme.yaml:11:17: /compute/instanceType: "${type}": a physical tenant's servers and database server share Dedicated Hosts allocated for their instance family, ` +
                `which EC2 offers only for families built on the AWS Nitro System; ${type.split(".")[0]} runs on the Xen hypervisor, where a host takes one instance type only; choose a Nitro family, e.g. ${successor}`,
        ]);
    });

    it("GIVEN a Xen type on a cloud tenant (no Dedicated Host) WHEN validated THEN it passes", () => {
        expect(problemsOf(tenantFile("cloud", "compute:\n  instanceType: m4.large\n"))).toEqual([]);
    });

    it("GIVEN p3dn and i3en, Nitro families of their own beside Xen ones WHEN on a physical tenant THEN not refused as Xen", () => {
        for (const type of ["p3dn.24xlarge", "i3en.large"]) {
            expect(problemsOf(tenantFile("physical", `compute:\n  instanceType: ${type}\n`)).join("\n")).not.toContain("Xen hypervisor");
        }
    });

    it("GIVEN a physical tenant on Graviton WHEN validated THEN it passes with a database size of the family", () => {
        expect(problemsOf(tenantFile("physical", "compute:\n  instanceType: c7g.2xlarge\ndatabase:\n  instanceClass: db.m7g.xlarge\n"))).toEqual([]);
    });
});

describe("platform settings", () => {
    const SETTINGS = { ...PLATFORM_DEFAULTS, offsiteGatewayIp: "81.2.69.160", offsiteRegion: "eu-central-1", organizationTrailArn: undefined, guardDutyDetectorId: undefined, alertEmails: [] };

    it.each<[string, Partial<typeof PLATFORM_DEFAULTS>, string]>([
        ["a mistyped server type", { appServerType: "m6i.xlarg" }, 'appServerType: "m6i.xlarg" is not an EC2 instance type: m6i has no size "xlarg" (did you mean "m6i.xlarge"?)'],
        ["a Mac server type", { appServerType: "mac1.metal" }, 'appServerType: "mac1.metal" is an EC2 Mac instance'],
        ["a mistyped database class", { databaseClass: "db.m6g.xlarg" }, 'databaseClass: "db.m6g.xlarg" is not an RDS instance class: db.m6g has no size "xlarg" (did you mean "db.m6g.xlarge"?)'],
    ])("GIVEN %s WHEN checked THEN it fails as a tenant file would", (_, change, message) => {
        const problems = platformSettingsProblems({ ...SETTINGS, ...change });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain(message);
    });

    it("GIVEN the defaults and Graviton servers WHEN checked THEN there is no problem", () => {
        expect(platformSettingsProblems(SETTINGS)).toEqual([]);
        expect(platformSettingsProblems({ ...SETTINGS, appServerType: "m7g.xlarge", databaseClass: "db.r7g.large" })).toEqual([]);
    });
});
