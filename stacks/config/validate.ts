// Validation of tenant files, one at a time and as a fleet. The schema (schema-messages.ts) checks
// the shape; rules.ts what a schema cannot say; this module turns both into the contract's
// positioned problems and adds the rules across files (cross-tenant.ts). Nothing here throws for
// file contents, and nothing here reads a file: load-fleet.ts lists and reads them.

import * as path from "node:path";

import { ClaimingFile } from "./claims";
import { crossTenantProblems } from "./cross-tenant";
import { PlatformIndex, tenantRegionFinding } from "./platform-index";
import { documentFindings, Finding } from "./rules";
import { schemaFindings } from "./schema-messages";
import { isSecretLikeKey } from "../../lib/secrets";
import { parseTenantSource, Problem, TenantSource } from "./source";
import { resolveTenant, Tenant, TenantDocument } from "./tenant";
import type { FleetFile } from "./tenant-files";

export { formatProblem, Problem } from "./source";
export type { FleetFile } from "./tenant-files";

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
    const parsed = parseTenantSource(file, bytes, size);
    const source = parsed.source ?? parsed.partial;
    if (!source) {
        return { file, problems: parsed.problems };
    }
    // A file read despite problems of its YAML (a key given twice, a merge key, a tag): its other
    // problems are reported too, but none about a field the YAML's problem already names.
    const early = parsed.problems.filter((problem) => problem.path !== "/").map((problem) => problem.path);
    const named = (pointer: string): boolean => early.some((path) => isAtOrBelow(pointer, path));
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

    const refusedBySchema = schemaFindings(source.data).filter((finding) => !hidden(finding.pointer));
    findings.push(...refusedBySchema);
    // A value the schema already refused gets no second message from the semantic rules.
    const refused = (pointer: string): boolean =>
        refusedBySchema.some((finding) => finding.pointer !== "/" && isAtOrBelow(pointer, finding.pointer));
    const region = platforms && tenantRegionFinding((source.data as { region?: unknown } | null)?.region, platforms);
    for (const finding of [...documentFindings(source.data, fileTenantId(file), platforms?.baseDomain), ...(region ? [region] : [])]) {
        if (!refused(finding.pointer) && !hidden(finding.pointer)) {
            findings.push(finding);
        }
    }

    const seen = new Set<string>();
    const located: Problem[] = [...parsed.problems];
    for (const finding of findings) {
        const key = `${finding.pointer}\u0000${finding.node ?? ""}\u0000${finding.message}`;
        if (seen.has(key) || named(finding.pointer)) {
            continue;
        }
        seen.add(key);
        const { line, column } = source.locate(finding.node ?? finding.pointer, finding.at ?? "value");
        located.push({ file, line, column, path: finding.pointer, message: finding.message });
    }
    return {
        file,
        ...(parsed.source ? { source } : {}),
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
