#!/usr/bin/env tsx
// npm run aws-catalogue: regenerates stacks/config/aws-catalogue.json, the constraints AWS puts on
// every property the program sets (scripts/aws-catalogue/mapping.json says which), from AWS's own
// descriptions of its APIs:
// - botocore's service models (Debian's python3-botocore, /usr/bin/python3) for patterns, lengths
//   and enumerations;
// - @aws-sdk/client-ec2's `_InstanceType` enum (AWS's Smithy model, newer than Debian's botocore)
//   for EC2's instance types, fetched with `npm pack` into a temporary directory.
// Needs the network (the npm registry) and python3-botocore; CI does not: the JSON is checked in.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { EXIT, parseFlags, run, writeStdout } from "../lib/cli";
import { compileAwsPattern } from "../lib/plan/aws-rules";

const ROOT = path.resolve(__dirname, "..", "..");
const MAPPING = path.join(ROOT, "scripts/aws-catalogue/mapping.json");
const OUTPUT = path.join(ROOT, "stacks/config/aws-catalogue.json");
export const EC2_SDK = "@aws-sdk/client-ec2@3.1178.0";

export const USAGE = `Usage: npm run aws-catalogue [-- --out FILE]

Regenerates stacks/config/aws-catalogue.json from AWS's service models (python3-botocore) and
${EC2_SDK}'s instance-type enum (npm pack). Exit 0 written, 1 a model lookup failed, 2 usage.
`;

/** Where the lists an `enumKey` names come from (scripts/lib/plan/aws-rules.ts DERIVED_LISTS). */
const ENUM_SOURCES: Readonly<Record<string, string>> = {
    ec2InstanceTypes: "this catalogue's ec2InstanceTypes",
    ec2InstanceFamilies: "the families of this catalogue's ec2InstanceTypes (a Dedicated Host is allocated for one instance family)",
    rdsPostgresClasses: "stacks/config/rds-classes.ts (hand-compiled from the Amazon RDS User Guide, DB instance classes, PostgreSQL; AWS's model of RDS has no list)",
};

interface ModelRef {
    readonly service: string;
    readonly operation: string;
    readonly member: string;
    readonly shape: string;
}
interface MappingRule {
    readonly type: string;
    readonly property: string;
    readonly model?: ModelRef;
    readonly enumKey?: string;
    readonly prose?: { readonly pattern: string; readonly max?: number; readonly min?: number; readonly rule: string; readonly source: string };
}

/** Pattern, lengths and enumeration of botocore shapes, looked up in one python3 run. */
function botocoreShapes(refs: readonly ModelRef[]): { version: string; shapes: Record<string, { pattern?: string; min?: number; max?: number; enum?: string[] }> } {
    const script = `
import json, sys, botocore, botocore.session
session = botocore.session.get_session()
out = {}
for service, shape in json.load(sys.stdin):
    s = session.get_service_model(service).shape_for(shape)
    entry = {k: v for k, v in s.metadata.items() if k in ("pattern", "min", "max")}
    if s.enum: entry["enum"] = list(s.enum)
    out[service + "/" + shape] = entry
print(json.dumps({"version": botocore.__version__, "shapes": out}))
`;
    const input = JSON.stringify(refs.map((ref) => [ref.service, ref.shape]));
    return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script], { input, encoding: "utf8" })) as ReturnType<typeof botocoreShapes>;
}

/** EC2's instance types from the SDK's `_InstanceType` enum (dist-types/models/enums.d.ts). */
function ec2InstanceTypes(): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-catalogue-"));
    try {
        const tarball = execFileSync("npm", ["pack", EC2_SDK, "--silent"], { cwd: dir, encoding: "utf8" }).trim().split("\n").pop()!;
        execFileSync("tar", ["-xzf", tarball, "package/dist-types/models/enums.d.ts"], { cwd: dir });
        const text = fs.readFileSync(path.join(dir, "package/dist-types/models/enums.d.ts"), "utf8");
        const start = text.indexOf("export declare const _InstanceType");
        const end = text.indexOf("};", start);
        const types = [...text.slice(start, end).matchAll(/:\s*"([^"]+)"/g)].map((match) => match[1]!);
        if (types.length < 1000) {
            throw new Error(`${EC2_SDK}: found only ${types.length} instance types in _InstanceType; the SDK's layout changed`);
        }
        return [...new Set(types)].sort();
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export async function main(argv: string[]): Promise<number> {
    const { values } = parseFlags(argv, { out: { type: "string" }, help: { type: "boolean", short: "h", default: false } });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const mapping = JSON.parse(fs.readFileSync(MAPPING, "utf8")) as { rules: MappingRule[] };
    const refs = mapping.rules.flatMap((rule) => (rule.model ? [rule.model] : []));
    const botocore = botocoreShapes(refs);
    const rules = mapping.rules.map((rule) => {
        const base = { type: rule.type, property: rule.property };
        if (rule.model) {
            const shape = botocore.shapes[`${rule.model.service}/${rule.model.shape}`] ?? {};
            const source = `botocore ${botocore.version} ${rule.model.service} ${rule.model.operation} ${rule.model.member} (shape ${rule.model.shape})`;
            return { ...base, ...shape, source };
        }
        if (rule.enumKey) {
            return { ...base, enumKey: rule.enumKey, source: ENUM_SOURCES[rule.enumKey] ?? `this catalogue's ${rule.enumKey}` };
        }
        return { ...base, pattern: rule.prose!.pattern, ...(rule.prose!.min !== undefined ? { min: rule.prose!.min } : {}), ...(rule.prose!.max !== undefined ? { max: rule.prose!.max } : {}), rule: rule.prose!.rule, source: rule.prose!.source };
    });
    for (const rule of rules) {
        if ("pattern" in rule && typeof rule.pattern === "string") {
            compileAwsPattern(rule.pattern); // throws on a pattern JavaScript cannot compile
        }
    }
    const types = ec2InstanceTypes();
    const catalogue = {
        $comment: "GENERATED by `npm run aws-catalogue` (scripts/aws-catalogue/generate.ts) from scripts/aws-catalogue/mapping.json; do not edit by hand.",
        generated: new Date().toISOString().slice(0, 10),
        sources: { botocore: `python3-botocore ${botocore.version} service models`, ec2InstanceTypes: `${EC2_SDK} _InstanceType (AWS's Smithy model of EC2)` },
        rules,
        ec2InstanceTypes: types,
    };
    const out = values.out ?? OUTPUT;
    fs.writeFileSync(out, `${JSON.stringify(catalogue, null, 1)}\n`);
    process.stderr.write(`aws-catalogue: wrote ${out} rules=${rules.length} ec2InstanceTypes=${types.length}\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("aws-catalogue", main, USAGE);
}
