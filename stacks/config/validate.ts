// Validation of tenant files, one at a time and as a fleet. The schema (tenant.schema.json) checks
// the shape; rules.ts what a schema cannot say; this module turns both into the contract's
// positioned problems and adds the rules across files. Nothing here throws for file contents.

import * as fs from "node:fs";
import * as path from "node:path";

import type { ErrorObject } from "ajv/dist/2020";

import schema from "../../tenant-configs/tenant.schema.json";
import { ClaimingFile, claimingFiles } from "./claims";
import { formatCidr, overlaps, parseCidr } from "../../lib/ipv4";
import { PLATFORM_CONFIG_DIR, PlatformIndex, platformIndex, tenantRegionFinding } from "./platform-index";
import { findProjectRoot } from "./project";
import { documentFindings, Finding } from "./rules";
import { isSecretLikeKey, looksLikeSecret } from "../../lib/secrets";
import { joinPointer, MAX_FILE_BYTES, parseTenantSource, pointerSegments, Problem, TenantSource } from "./source";
import { suggestion } from "./suggest";
import { resolveTenant, Tenant, TenantDocument } from "./tenant";
import { tenantSchemaValidator } from "./tenant-schema";

export { formatProblem, Problem } from "./source";

/** The project's root (the folder of Pulumi.yaml) and its folder of tenant files. */
export const REPO_ROOT = findProjectRoot(__dirname);
export const TENANT_CONFIG_DIR = path.join(REPO_ROOT, "tenant-configs");
export const SCHEMA_FILE = "tenant.schema.json";

const validateSchema = tenantSchemaValidator();

interface SchemaNode {
    readonly description?: string;
    readonly type?: string;
    readonly enum?: readonly unknown[];
    readonly properties?: Record<string, SchemaNode | boolean>;
    readonly $ref?: string;
}

/** The schema node describing the value at a JSON pointer (following `$ref`), for its description. */
function schemaAt(pointer: string): SchemaNode | undefined {
    let node: SchemaNode | undefined = schema as SchemaNode;
    for (const segment of pointerSegments(pointer)) {
        if (!node) {
            return undefined;
        }
        const typed: SchemaNode = node;
        const child: SchemaNode | boolean | undefined = /^\d+$/.test(segment)
            ? (typed as { items?: SchemaNode }).items
            : typed.properties?.[segment];
        node = typeof child === "object" ? child : undefined;
    }
    if (node?.$ref) {
        const target = (schema.$defs as Record<string, SchemaNode>)[node.$ref.replace("#/$defs/", "")];
        return { ...target, ...node, description: node.description ?? target?.description };
    }
    return node;
}

function expected(pointer: string): string {
    const description = schemaAt(pointer)?.description;
    return description ? `expected ${description}` : "see tenant-configs/tenant.schema.json";
}

/** Quotes an offending value for a message: at most 200 characters, never anything secret-looking. */
export function quote(value: unknown): string {
    if (typeof value === "string") {
        if (looksLikeSecret(value)) {
            return "(a value that looks like a secret, not shown)";
        }
        const clipped = value.length > 200 ? `${value.slice(0, 200)}...` : value;
        return JSON.stringify(clipped);
    }
    if (value === null) {
        return "an empty value";
    }
    if (Array.isArray(value)) {
        return `a list of ${value.length}`;
    }
    if (typeof value === "object") {
        return "a mapping";
    }
    return String(value);
}

const TYPE_NAMES: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    string: "a string",
    integer: "a whole number",
    number: "a number",
    boolean: "true or false",
};

function modeOf(data: unknown): string {
    const mode = (data as { mode?: unknown } | null)?.mode;
    return typeof mode === "string" ? mode : "?";
}

/** Turns one ajv error into a finding, or undefined for errors that only restate others. */
function schemaFinding(error: ErrorObject, data: unknown): Finding | undefined {
    const pointer = error.instancePath === "" ? "/" : error.instancePath;
    const value = error.data;
    const modeRule = error.schemaPath.startsWith("#/allOf/");
    switch (error.keyword) {
        case "if":
            return undefined;
        case "additionalProperties": {
            const key = String((error.params as { additionalProperty: string }).additionalProperty);
            const allowed = Object.keys(schemaAt(pointer)?.properties ?? {});
            if (looksLikeSecret(key)) {
                // Neither the name nor a path containing it is echoed.
                return { pointer, message: `has an unknown field whose name looks like a secret (not shown); allowed here: ${allowed.join(", ")}` };
            }
            return {
                pointer: joinPointer(pointer, key),
                at: "key",
                message: `unknown field "${key.slice(0, 100)}"${suggestion(key, allowed)}; allowed here: ${allowed.join(", ")}`,
            };
        }
        case "required": {
            const missing = String((error.params as { missingProperty: string }).missingProperty);
            const child = joinPointer(pointer, missing);
            const why = modeRule ? ` for mode ${modeOf(data)}` : "";
            return { pointer: child, message: `is required${why}: ${expected(child)}` };
        }
        case "false schema":
            return { pointer, at: "key", message: `is not allowed for mode ${modeOf(data)}: ${schemaAt(pointer)?.description ?? "remove it"}` };
        case "type": {
            const wanted = TYPE_NAMES[String((error.params as { type: string }).type)] ?? String((error.params as { type: string }).type);
            if (value === null && wanted === "a mapping") {
                return { pointer, at: "key", message: `is empty; a section, when present, must be a mapping of fields (remove it or fill it in)` };
            }
            return { pointer, message: `must be ${wanted}, got ${quote(value)}; ${expected(pointer)}` };
        }
        case "enum": {
            const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
            const hint = typeof value === "string" ? suggestion(value, allowed) : "";
            const list = allowed.length > 8 ? expected(pointer) : `expected one of: ${allowed.join(", ")}`;
            return { pointer, message: `${quote(value)} is not allowed${hint}; ${list}` };
        }
        case "pattern":
        case "format":
            return { pointer, message: `${quote(value)} is not valid; ${expected(pointer)}` };
        case "minLength":
            return { pointer, message: value === "" ? `is empty; ${expected(pointer)}` : `${quote(value)} is too short; ${expected(pointer)}` };
        case "maxLength":
            return { pointer, message: `is too long (${[...String(value)].length} characters); ${expected(pointer)}` };
        case "minimum":
        case "maximum":
            return { pointer, message: `${quote(value)} is out of range; ${expected(pointer)}` };
        case "minItems":
        case "maxItems":
            return { pointer, message: `has ${Array.isArray(value) ? value.length : 0} item(s); ${expected(pointer)}` };
        case "minProperties":
            return { pointer, message: "needs exactly one of subdomain (a name under the platform's domain) or own (the customer's domain); neither is given" };
        case "maxProperties":
            return { pointer, message: "needs exactly one of subdomain or own, not both; keep the one the customer bought" };
        default:
            return { pointer, message: `${error.message ?? "is not valid"}; ${expected(pointer)}` };
    }
}

function isAtOrBelow(pointer: string, ancestor: string): boolean {
    return ancestor === "/" || pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

/** The result of validating one tenant file on its own. */
export interface FileValidation {
    readonly file: string;
    readonly source?: TenantSource;
    /** The document, present only when the file itself has no problem. */
    readonly document?: TenantDocument;
    readonly problems: Problem[];
}

/** The file's tenant id as its name says it: `tenant-configs/acme.yaml` is `acme`. */
export function fileTenantId(file: string): string {
    return path.basename(file).replace(/\.yaml$/, "");
}

/**
 * Validates one tenant file's bytes against the schema and the single-file rules; with `platforms`,
 * also that its region has platform settings and that `domain.own` is not under their base domain.
 */
export function validateTenantFile(file: string, bytes: Uint8Array, size: number = bytes.length, platforms?: PlatformIndex): FileValidation {
    const { source, problems } = parseTenantSource(file, bytes, size);
    if (!source) {
        return { file, problems };
    }
    const findings: Finding[] = [];
    // Secret-looking keys are refused first and their values never looked at again.
    const secretKeys = source
        .keys()
        .filter(({ key }) => isSecretLikeKey(key))
        .map(({ pointer }) => pointer);
    for (const pointer of secretKeys) {
        findings.push({
            pointer,
            at: "key",
            message: "secret-looking fields are not allowed in tenant files; secrets live in Pulumi stack config (pulumi config set --secret ...)",
        });
    }
    const hidden = (pointer: string): boolean => secretKeys.some((secret) => isAtOrBelow(pointer, secret));

    const schemaFindings: Finding[] = [];
    if (!validateSchema(source.data)) {
        for (const error of validateSchema.errors ?? []) {
            const finding = schemaFinding(error, source.data);
            if (finding && !hidden(finding.pointer)) {
                schemaFindings.push(finding);
            }
        }
    }
    findings.push(...schemaFindings);
    // A value the schema already refused gets no second message from the semantic rules.
    const refused = (pointer: string): boolean =>
        schemaFindings.some((finding) => finding.pointer !== "/" && isAtOrBelow(pointer, finding.pointer));
    const region = platforms && tenantRegionFinding((source.data as { region?: unknown } | null)?.region, platforms);
    for (const finding of [...documentFindings(source.data, fileTenantId(file), platforms?.baseDomain), ...(region ? [region] : [])]) {
        if (!refused(finding.pointer) && !hidden(finding.pointer)) {
            findings.push(finding);
        }
    }

    const seen = new Set<string>();
    const located: Problem[] = [];
    for (const finding of findings) {
        const key = `${finding.pointer}\u0000${finding.message}`;
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        const { line, column } = source.locate(finding.pointer, finding.at ?? "value");
        located.push({ file, line, column, path: finding.pointer, message: finding.message });
    }
    return {
        file,
        source,
        document: located.length === 0 ? (source.data as TenantDocument) : undefined,
        problems: sortProblems(located),
    };
}

export function sortProblems(problems: Problem[]): Problem[] {
    return [...problems].sort(
        (a, b) =>
            a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
    );
}

/** Problems that involve two files (uniqueness and overlaps), reported in both, each naming the other. */
function crossTenantProblems(files: readonly ClaimingFile[], reported: (file: ClaimingFile) => boolean = () => true): Problem[] {
    interface Claim {
        readonly file: ClaimingFile;
        readonly pointer: string;
        readonly value: string;
    }
    const claims = (pointer: string, normalise: (value: string) => string = (v) => v): Claim[] =>
        files.flatMap((file) => {
            let node: unknown = file.source?.data;
            for (const segment of pointerSegments(pointer)) {
                node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
            }
            return typeof node === "string" ? [{ file, pointer, value: normalise(node) }] : [];
        });
    const where = (claim: Claim): string => {
        const { line, column } = claim.file.source!.locate(claim.pointer);
        return `${claim.file.file}:${line}:${column}`;
    };
    const problem = (claim: Claim, message: string): Problem => {
        const { line, column } = claim.file.source!.locate(claim.pointer);
        return { file: claim.file.file, line, column, path: claim.pointer, message };
    };
    const problems: Problem[] = [];
    const unique = (pointer: string, what: string, normalise?: (value: string) => string): void => {
        const byValue = new Map<string, Claim[]>();
        for (const claim of claims(pointer, normalise)) {
            byValue.set(claim.value, [...(byValue.get(claim.value) ?? []), claim]);
        }
        for (const [value, group] of byValue) {
            if (group.length < 2) {
                continue;
            }
            for (const claim of group) {
                const others = group.filter((other) => other !== claim).map(where).join(", ");
                problems.push(problem(claim, `${what} "${value.slice(0, 200)}" is also used by ${others}; each tenant needs its own`));
            }
        }
    };
    unique("/tenant", "tenant id");
    unique("/domain/subdomain", "subdomain", (value) => value.toLowerCase());
    unique("/domain/own", "domain", (value) => value.toLowerCase());

    const networks = claims("/network/cidr")
        .map((claim) => ({ claim, cidr: parseCidr(claim.value) }))
        .filter((entry): entry is { claim: Claim; cidr: NonNullable<typeof entry.cidr> } => entry.cidr !== undefined);
    for (let i = 0; i < networks.length; i++) {
        for (let j = i + 1; j < networks.length; j++) {
            const a = networks[i]!;
            const b = networks[j]!;
            if (a.claim.file === b.claim.file || !(reported(a.claim.file) || reported(b.claim.file)) || !overlaps(a.cidr, b.cidr)) {
                continue;
            }
            const tenantOf = (claim: Claim): string => String((claim.file.source?.data as { tenant?: unknown })?.tenant ?? "?");
            problems.push(
                problem(a.claim, `network ${formatCidr(a.cidr)} overlaps ${formatCidr(b.cidr)} of tenant ${tenantOf(b.claim)} (${where(b.claim)}); tenant networks must not overlap, every admin tier is routed to the operations network`),
                problem(b.claim, `network ${formatCidr(b.cidr)} overlaps ${formatCidr(a.cidr)} of tenant ${tenantOf(a.claim)} (${where(a.claim)}); tenant networks must not overlap, every admin tier is routed to the operations network`),
            );
        }
    }
    return problems;
}

export interface FleetFile {
    /** The name used in messages (relative to the working directory where possible). */
    readonly file: string;
    readonly bytes: Uint8Array;
    /** The file's size on disk when only its first bytes were read. */
    readonly size?: number;
}

export interface FleetValidation {
    /** Each file validated (with `files`, only those: the folder's other files are compared with, not validated). */
    readonly files: readonly FileValidation[];
    /** Every problem, sorted by file, line and column. */
    readonly problems: Problem[];
    /** Resolved tenants of the files without any problem (their own or shared with another file). */
    readonly tenants: readonly Tenant[];
}

/**
 * Validates tenant files together: each on its own, then the rules across files, which also
 * compare them with `others` (files only read for their claims, see claims.ts). A file that
 * takes part in a cross-tenant conflict is invalid too, so it is never planned or deployed.
 */
export function validateFleet(
    inputs: readonly FleetFile[],
    sourceName: (file: string) => string = (file) => file,
    others: readonly ClaimingFile[] = [],
    platforms?: PlatformIndex,
): FleetValidation {
    const files = inputs.map((input) => validateTenantFile(input.file, input.bytes, input.size, platforms));
    // Files that are only compared with (`others`) have no problems of their own reported here.
    const validated = new Set(files.map((file) => file.file));
    const across = crossTenantProblems([...files, ...others], (file) => validated.has(file.file)).filter((problem) => validated.has(problem.file));
    const problems = sortProblems([...files.flatMap((file) => file.problems), ...across]);
    const failed = new Set(problems.map((problem) => problem.file));
    const tenants = files
        .filter((file) => file.document !== undefined && !failed.has(file.file))
        .map((file) => resolveTenant(file.document!, sourceName(file.file)));
    return { files, problems, tenants };
}

/** A problem with a file that is not a tenant file at all (wrong extension, unreadable). */
function fileProblem(file: string, message: string): Problem {
    return { file, line: 1, column: 1, path: "/", message };
}

/** The name to show for a path: relative to the working directory when inside it. */
export function displayName(file: string, cwd: string = process.cwd()): string {
    const relative = path.relative(cwd, file);
    return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** The `source` recorded for a tenant: relative to the repository root when inside it. */
export function sourceName(file: string): string {
    const relative = path.relative(REPO_ROOT, path.resolve(file));
    return relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative.split(path.sep).join("/");
}

export interface LoadedFiles {
    readonly files: FleetFile[];
    /** Problems found before reading any file: wrong extensions, unreadable or missing files. */
    readonly problems: Problem[];
}

/**
 * Lists the tenant files of a folder. Only `*.yaml` files are tenant files; anything else that
 * looks like one (`*.yml`, `*.json` other than the schema, other capitalisations) is an error,
 * never silently skipped.
 */
export function listTenantDirectory(dir: string = TENANT_CONFIG_DIR): { files: string[]; problems: Problem[] } {
    const files: string[] = [];
    const problems: Problem[] = [];
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
        return { files, problems: [fileProblem(displayName(dir), `cannot read the tenant folder (${(error as NodeJS.ErrnoException).code ?? "error"})`)] };
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isDirectory()) {
            continue;
        }
        const full = path.join(dir, entry.name);
        if (entry.name.endsWith(".yaml")) {
            files.push(full);
        } else if (entry.name === SCHEMA_FILE) {
            continue;
        } else if (/\.(ya?ml|json)$/i.test(entry.name)) {
            const stem = entry.name.replace(/\.(ya?ml|json)$/i, "");
            problems.push(fileProblem(displayName(full), `only *.yaml files are tenant files; rename it to ${stem}.yaml (or move it out of the tenant folder)`));
        }
    }
    return { files, problems };
}

/** Reads files for validation; unreadable ones become problems. Duplicate paths are read once. */
export function readTenantFiles(paths: readonly string[]): LoadedFiles {
    const files: FleetFile[] = [];
    const problems: Problem[] = [];
    const seen = new Set<string>();
    for (const file of paths) {
        let real: string;
        try {
            real = fs.realpathSync(file);
        } catch (error) {
            // Only a missing file is "no such file": a link loop or a folder without permission is said as such.
            const code = (error as NodeJS.ErrnoException).code;
            problems.push(
                fileProblem(
                    displayName(file),
                    code === "ENOENT" || code === undefined
                        ? "no such file"
                        : code === "ELOOP"
                          ? "is a symbolic link loop (ELOOP): a link in its path points back to itself; fix or remove the link"
                          : `cannot be read (${code})`,
                ),
            );
            continue;
        }
        if (seen.has(real)) {
            continue;
        }
        seen.add(real);
        const name = displayName(path.resolve(file));
        if (!file.endsWith(".yaml")) {
            problems.push(fileProblem(name, "a tenant file must be named <tenant>.yaml"));
            continue;
        }
        try {
            const stat = fs.statSync(real);
            if (!stat.isFile()) {
                problems.push(fileProblem(name, "is not a regular file"));
                continue;
            }
            // Read no more than one byte past the limit: an oversized file is refused by its size.
            const fd = fs.openSync(real, "r");
            try {
                const buffer = Buffer.alloc(Math.min(stat.size, MAX_FILE_BYTES + 1));
                const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
                files.push({ file: name, bytes: buffer.subarray(0, read), size: stat.size });
            } finally {
                fs.closeSync(fd);
            }
        } catch (error) {
            problems.push(fileProblem(name, `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`));
        }
    }
    return { files, problems };
}


export interface LoadFleetOptions {
    /** The tenant folder; `tenant-configs/` beside the program by default. */
    readonly dir?: string;
    /**
     * Specific files to check. When absent, every file of `dir` is checked. When present, only
     * these files' problems and tenants are returned.
     */
    readonly files?: readonly string[];
    /**
     * With `files`: also check them against the tenants of `dir` (uniqueness, overlaps), as a
     * new file must fit the existing fleet. Default: false.
     */
    readonly withDirectory?: boolean;
    /**
     * With `withDirectory`: where the claims of the folder's other files are cached by content
     * (claims.ts), or false for none. Default: node_modules/.cache/tenant-platform/ of the project.
     */
    readonly claimCache?: string | false;
    /**
     * The platform's settings files (platform-configs/ beside the program by default): a tenant in a
     * region without one is refused, and `domain.own` is checked against their base domain.
     */
    readonly platformDir?: string;
}

/** Where the claims of the tenant files are cached by default. */
export const CLAIM_CACHE = path.join(REPO_ROOT, "node_modules", ".cache", "tenant-platform", "tenant-claims.json");

/** Lists, reads and validates tenant files together; the one entry point for CLIs and the program. */
export function loadFleet(options: LoadFleetOptions = {}): FleetValidation {
    const dir = options.dir ?? TENANT_CONFIG_DIR;
    const platforms = platformIndex(options.platformDir ?? PLATFORM_CONFIG_DIR);
    if (options.files !== undefined && options.withDirectory) {
        // The named files validated in full; the folder's others only read for their claims.
        // (Read together: a named file that is also in the folder is read once, as the named one.)
        const loaded = readTenantFiles([...options.files, ...listTenantDirectory(dir).files]);
        const wanted = new Set(options.files.map((file) => displayName(path.resolve(file))));
        const named = loaded.files.filter((file) => wanted.has(file.file));
        const others = claimingFiles(
            loaded.files.filter((file) => !wanted.has(file.file)),
            options.claimCache ?? CLAIM_CACHE,
        );
        const fleet = validateFleet(named, (file) => sourceName(file), others, platforms);
        const problems = sortProblems([...loaded.problems.filter((problem) => wanted.has(problem.file)), ...fleet.problems]);
        return { files: fleet.files, problems, tenants: fleet.tenants };
    }
    if (options.files !== undefined) {
        // Only these files, each on its own and against each other.
        const loaded = readTenantFiles(options.files);
        const fleet = validateFleet(loaded.files, (file) => sourceName(file), [], platforms);
        return { files: fleet.files, problems: sortProblems([...loaded.problems, ...fleet.problems]), tenants: fleet.tenants };
    }
    const listing = listTenantDirectory(dir);
    const loaded = readTenantFiles(listing.files);
    const fleet = validateFleet(loaded.files, (file) => sourceName(file), [], platforms);
    return { files: fleet.files, problems: sortProblems([...listing.problems, ...loaded.problems, ...fleet.problems]), tenants: fleet.tenants };
}
