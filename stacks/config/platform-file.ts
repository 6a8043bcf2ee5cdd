// The platform's settings files: platform-configs/<region>.yaml, one per region, the engineers'
// counterpart of tenant-configs/. Read as defensively as tenant files (source.ts), checked against
// platform-configs/platform.schema.json (which editors use too) and the semantic rules of
// platform-settings.ts, and reported in the same `FILE:LINE:COLUMN: FIELD_PATH: message` shape.
// Across files: one homeRegion and one baseDomain, and the home region has a file of its own.
// Nothing here throws for file contents.

import * as fs from "node:fs";
import * as path from "node:path";

import type { ErrorObject, ValidateFunction } from "ajv/dist/2020";

import schema from "../../platform-configs/platform.schema.json";
import { partnerRegion, REGIONS } from "../../lib/regions";
import { isSecretLikeKey, looksLikeSecret } from "../../lib/secrets";
import { formatProblem, joinPointer, parseTenantSource, Problem, TenantSource } from "./source";
import { quote, quoteVisibly, TYPE_NAMES } from "./schema-messages";
import { suggestion } from "./suggest";
import { AJV_OPTIONS } from "./tenant-schema";
import { fileRegion, platformConfigDir } from "./platform-index";
import { displayName, FleetFile, readTenantFiles } from "./tenant-files";
import { sortProblems } from "./validate";
import { PLATFORM_DEFAULTS, PlatformSettings, platformSettingsProblems } from "./platform-settings";

export const PLATFORM_SCHEMA_FILE = "platform.schema.json";

/** The settings keys a file may hold (the schema's properties), `region` included. */
export const PLATFORM_FILE_KEYS: readonly string[] = Object.keys(schema.properties);

let compiled: ValidateFunction | undefined;
/** Compiled on first use: only platform stacks and the CLIs validate platform files. */
function validateSchema(): ValidateFunction {
    if (!compiled) {
        const Ajv = (require("ajv/dist/2020") as typeof import("ajv/dist/2020")).default;
        compiled = new Ajv({ ...AJV_OPTIONS }).compile(schema);
    }
    return compiled;
}

interface SchemaNode {
    readonly description?: string;
    readonly $ref?: string;
}

function describe(pointer: string): string {
    const key = pointer.split("/")[1] ?? "";
    const node = (schema.properties as Record<string, SchemaNode>)[key];
    const description = node?.description ?? (node?.$ref ? (schema.$defs.region.description as string) : undefined);
    return description ? `expected ${description}` : `see platform-configs/${PLATFORM_SCHEMA_FILE}`;
}


export interface Finding {
    readonly pointer: string;
    /** Where the problem is placed when not at `pointer` (a key whose name is not shown). */
    readonly node?: string;
    readonly at?: "key" | "value";
    readonly message: string;
}

/** One ajv error as a finding (the tenant validator's wording, for the platform schema). */
function schemaFinding(error: ErrorObject): Finding {
    const pointer = error.instancePath === "" ? "/" : error.instancePath;
    switch (error.keyword) {
        case "additionalProperties": {
            const key = String((error.params as { additionalProperty: string }).additionalProperty);
            const allowed = PLATFORM_FILE_KEYS;
            if (looksLikeSecret(key)) {
                // Neither the name nor a path containing it is echoed (as in tenant files); the problem is placed at it.
                return { pointer, node: joinPointer(pointer, key), at: "key", message: `has an unknown setting whose name looks like a secret (not shown); allowed: ${allowed.join(", ")}` };
            }
            return { pointer: joinPointer(pointer, key), at: "key", message: `unknown setting ${quoteVisibly(key.slice(0, 100))}${suggestion(key, allowed)}; allowed: ${allowed.join(", ")}` };
        }
        case "required": {
            const child = joinPointer(pointer, String((error.params as { missingProperty: string }).missingProperty));
            return { pointer: child, message: `is required: ${describe(child)}` };
        }
        case "type": {
            const type = String((error.params as { type: string }).type);
            return { pointer, message: `must be ${TYPE_NAMES[type] ?? type}, got ${quote(error.data)}; ${describe(pointer)}` };
        }
        case "enum": {
            const hint = typeof error.data === "string" ? suggestion(error.data, (error.params as { allowedValues: string[] }).allowedValues) : "";
            return { pointer, message: `${quote(error.data)} is not allowed${hint}; ${describe(pointer)}` };
        }
        case "minItems":
        case "maxItems":
            return { pointer, message: `has ${Array.isArray(error.data) ? error.data.length : 0} item(s); ${describe(pointer)}` };
        default:
            return { pointer, message: `${quote(error.data)} is not valid; ${describe(pointer)}` };
    }
}

/**
 * platformSettingsProblems names a setting as `key` or `key[i]` before ": "; as a JSON pointer,
 * `/key` or `/key/i`.
 */
function settingsFinding(problem: string): Finding {
    const match = /^([A-Za-z]+)(?:\[(\d+)\])?: /.exec(problem);
    if (!match) {
        return { pointer: "/", message: problem };
    }
    return { pointer: `/${match[1]}${match[2] !== undefined ? `/${match[2]}` : ""}`, message: problem.slice(match[0].length) };
}

/** The result of validating one platform file on its own. */
export interface PlatformFileValidation {
    readonly file: string;
    readonly region: string;
    readonly source?: TenantSource;
    /** The settings, present only when the file itself has no problem. */
    readonly settings?: PlatformSettings;
    readonly problems: Problem[];
}

/** The messages of the YAML reader speak of tenant files; these are platform files. */
function reworded(problem: Problem): Problem {
    return {
        ...problem,
        message: problem.message
            .replace(/a tenant file/g, "a platform settings file")
            .replace("tenant-configs/tenant.schema.json", `platform-configs/${PLATFORM_SCHEMA_FILE}`)
            .replace("(tenant:, company:, mode:, ...)", "(region:, baseDomain:, homeRegion:, ...)")
            .replace("(tenant:, company:, ...)", "(region:, baseDomain:, ...)"),
    };
}

/** The settings a valid document holds, each absent one at its documented default. */
export function settingsOf(data: Record<string, unknown>): PlatformSettings {
    const { region, ...given } = data as { region: string } & Partial<PlatformSettings>;
    return {
        ...PLATFORM_DEFAULTS,
        ...given,
        offsiteRegion: (data.offsiteRegion as string | undefined) ?? partnerRegion(region),
        organizationTrailArn: data.organizationTrailArn as string | undefined,
        guardDutyDetectorId: data.guardDutyDetectorId as string | undefined,
    } as PlatformSettings;
}

/** Validates one platform file's bytes: the schema, then the semantic rules of the settings. */
export function validatePlatformFile(file: string, bytes: Uint8Array, size: number = bytes.length): PlatformFileValidation {
    const region = fileRegion(file);
    const parsed = parseTenantSource(file, bytes, size);
    // A file read despite problems of its YAML (a key given twice, a tag, a second document) has its
    // other problems reported too, as a tenant file's are; none about a field the YAML's problem names.
    const source = parsed.source ?? parsed.partial;
    if (!source) {
        return { file, region, problems: parsed.problems.map(reworded) };
    }
    const early = parsed.problems.filter((problem) => problem.path !== "/").map((problem) => problem.path);
    const named = (pointer: string): boolean => early.some((at) => pointer === at || pointer.startsWith(`${at}/`));
    const findings: Finding[] = [];
    const secretKeys = source.keys().filter(({ key }) => isSecretLikeKey(key));
    for (const { pointer } of secretKeys) {
        findings.push({ pointer, at: "key", message: "secret-looking settings are not allowed in platform files; secrets live in the platform stack's Pulumi config (pulumi config set --secret ...)" });
    }
    if (!REGIONS.includes(region)) {
        findings.push({ pointer: "/", message: `the file name ${quoteVisibly(path.basename(file).slice(0, 100))} is not <region>.yaml for a supported AWS region${suggestion(region, REGIONS)}; a platform file is named after its region` });
    }
    const validate = validateSchema();
    const errors = validate(source.data) ? [] : (validate.errors ?? []).filter((error) => error.keyword !== "if");
    // A value of the wrong type (`homeRegion: 1`) is one mistake, as in tenant files: that it is not
    // one of the allowed values too is not another.
    const mistyped = new Set(errors.filter((error) => error.keyword === "type").map((error) => error.instancePath));
    const schemaFindings = errors.filter((error) => error.keyword !== "enum" || !mistyped.has(error.instancePath)).map(schemaFinding);
    findings.push(...schemaFindings.filter((finding) => !secretKeys.some(({ pointer }) => finding.pointer.startsWith(pointer))));
    const data = source.data as Record<string, unknown>;
    if (schemaFindings.length === 0 && secretKeys.length === 0) {
        if (data.region !== region) {
            findings.push({ pointer: "/region", message: `"${String(data.region)}" does not match the file name "${path.basename(file)}"; the file must be named ${String(data.region)}.yaml (one file per region)` });
        }
        findings.push(...platformSettingsProblems(settingsOf(data)).map(settingsFinding));
        if (data.offsiteRegion === region) {
            findings.push({ pointer: "/offsiteRegion", message: `"${region}" is the platform's own region; off-site copies must live in another region` });
        }
    }
    const problems = sortProblems([
        ...parsed.problems.map(reworded),
        ...findings.filter((finding) => !named(finding.pointer)).map((finding) => ({ file, ...source.locate(finding.node ?? finding.pointer, finding.at ?? "value"), path: finding.pointer, message: finding.message })),
    ]);
    return { file, region, source, settings: problems.length === 0 ? settingsOf(data) : undefined, problems };
}

/** The platform files of a folder, validated alone and together. */
export interface PlatformFleet {
    readonly files: readonly PlatformFileValidation[];
    /** Every problem, sorted by file, line and column. */
    readonly problems: Problem[];
    /** The settings of each region whose file is valid and agrees with the others. */
    readonly settings: ReadonlyMap<string, PlatformSettings>;
    /** Every region that has a file, valid or not. */
    readonly regions: ReadonlySet<string>;
    /** The base domain every file names, when they agree. */
    readonly baseDomain?: string;
    /** The folder's name in messages (`platform-configs`). */
    readonly dir: string;
}

/** A value shown bare in a list, escaped as quote() escapes it (never as written when a terminal would act on it). */
function unquoted(value: string): string {
    const quoted = quote(value);
    return quoted.startsWith('"') ? quoted.slice(1, -1) : quoted;
}

/** Reads `key` of a file's document when it is a string. */
function stringAt(file: PlatformFileValidation, key: string): string | undefined {
    const value = (file.source?.data as Record<string, unknown> | undefined)?.[key];
    return typeof value === "string" ? value : undefined;
}

/**
 * Validates platform files together: each on its own, then across them: every file names the same
 * homeRegion and baseDomain (one account, one trail, one public zone), and the home region has a
 * file. A file that disagrees is invalid too, so its platform is never planned or deployed.
 */
export function validatePlatformFleet(inputs: readonly FleetFile[], dir: string = "platform-configs"): PlatformFleet {
    const files = inputs.map((input) => validatePlatformFile(input.file, input.bytes, input.size));
    const across: Problem[] = [];
    for (const key of ["homeRegion", "baseDomain"] as const) {
        const values = new Map<string, PlatformFileValidation[]>();
        for (const file of files) {
            const value = stringAt(file, key);
            if (value !== undefined) {
                values.set(value, [...(values.get(value) ?? []), file]);
            }
        }
        if (values.size < 2) {
            continue;
        }
        for (const file of files) {
            const value = stringAt(file, key);
            if (value === undefined) {
                continue;
            }
            const others = [...values.entries()].filter(([other]) => other !== value).map(([other, holders]) => `${unquoted(other)} (${holders.map((holder) => holder.file).join(", ")})`);
            across.push({
                file: file.file,
                ...file.source!.locate(`/${key}`),
                path: `/${key}`,
                message: `${quote(value)} disagrees with ${others.join(", ")}; every platform file must name the same ${key} (one account: one ${key === "homeRegion" ? "trail and public zone owner" : "public zone"})`,
            });
        }
    }
    const regions = new Set(files.map((file) => file.region));
    for (const file of files) {
        const home = stringAt(file, "homeRegion");
        if (home !== undefined && REGIONS.includes(home) && !regions.has(home)) {
            across.push({
                file: file.file,
                ...file.source!.locate("/homeRegion"),
                path: "/homeRegion",
                message: `the home region ${home} has no platform file; add ${dir}/${home}.yaml (its platform owns the trail and the public zone and is deployed first)`,
            });
        }
    }
    const problems = sortProblems([...files.flatMap((file) => file.problems), ...across]);
    const failed = new Set(problems.map((problem) => problem.file));
    const settings = new Map(files.filter((file) => file.settings && !failed.has(file.file)).map((file) => [file.region, file.settings!]));
    const domains = new Set(files.map((file) => stringAt(file, "baseDomain")).filter((value): value is string => value !== undefined));
    return { files, problems, settings, regions, dir, ...(domains.size === 1 ? { baseDomain: [...domains][0]! } : {}) };
}

/**
 * Lists, reads and validates the platform files of a folder. Only `<region>.yaml` files are platform
 * files; anything else that looks like one (`*.yml`, `*.json` other than the schema) is an error.
 */
export function loadPlatformFleet(dir: string = platformConfigDir(), cwd: string = process.cwd()): PlatformFleet {
    const shown = displayName(dir, cwd);
    const problems: Problem[] = [];
    let entries: string[];
    try {
        entries = fs.readdirSync(dir).sort();
    } catch (error) {
        const problem = { file: shown, line: 1, column: 1, path: "/", message: `cannot read the platform settings folder (${(error as NodeJS.ErrnoException).code ?? "error"}); it holds one <region>.yaml per region` };
        return { files: [], problems: [problem], settings: new Map(), regions: new Set(), dir: shown };
    }
    const yaml: string[] = [];
    for (const entry of entries) {
        if (entry.endsWith(".yaml")) {
            yaml.push(path.join(dir, entry));
        } else if (entry !== PLATFORM_SCHEMA_FILE && /\.(ya?ml|json)$/i.test(entry)) {
            problems.push({ file: displayName(path.join(dir, entry), cwd), line: 1, column: 1, path: "/", message: `only <region>.yaml files are platform files; rename it to ${entry.replace(/\.(ya?ml|json)$/i, "")}.yaml (or move it out of the folder)` });
        }
    }
    const loaded = readTenantFiles(yaml);
    const named = loaded.files.map((file) => ({ ...file, file: displayName(path.resolve(file.file), cwd) }));
    const fleet = validatePlatformFleet(named, shown);
    return { ...fleet, problems: sortProblems([...problems, ...loaded.problems.map(reworded), ...fleet.problems]) };
}

/**
 * Why one region's platform has no settings: what to add or fix (every problem of its file, and of
 * the others when they disagree with it); undefined when it has them. The program refuses to run
 * with it (platformSettingsFor, stacks/platform.ts) before any resource is registered.
 */
export function platformSettingsProblem(region: string, fleet: PlatformFleet): string | undefined {
    if (fleet.settings.has(region)) {
        return undefined;
    }
    if (!fleet.regions.has(region)) {
        return (
            `platform-${region} has no settings file: add ${fleet.dir}/${region}.yaml (copy another region's file and set region: ${region}, ` +
            `its offsiteGatewayIp and alertEmails; see ${fleet.dir}/${PLATFORM_SCHEMA_FILE})` +
            (fleet.problems.length > 0 ? `\n${fleet.problems.map((problem) => `  ${formatProblem(problem)}`).join("\n")}` : "")
        );
    }
    return `the platform settings of ${region} are invalid:\n${fleet.problems.map((problem) => `  ${formatProblem(problem)}`).join("\n")}`;
}

/**
 * Settings left in the platform stack's Pulumi config from before the files: refused, naming the
 * file to move each to (the file is the one source; a config value beside it would be read by one
 * machine and silently differ from what was reviewed). Values are not shown.
 */
export function leftoverConfigProblem(configured: (key: string) => boolean, region: string, dir: string = "platform-configs"): string | undefined {
    const keys = PLATFORM_FILE_KEYS.filter((key) => key !== "region" && configured(key));
    if (keys.length === 0) {
        return undefined;
    }
    return (
        `platform-${region}'s Pulumi config sets ${keys.join(", ")}: platform settings live in ${dir}/${region}.yaml; ` +
        `move ${keys.length === 1 ? "it" : "them"} there and remove ${keys.length === 1 ? "it" : "them"} from the stack (${keys.map((key) => `pulumi config rm ${key} --stack platform-${region}`).join("; ")})`
    );
}
