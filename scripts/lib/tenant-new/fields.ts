// The fields of a tenant file as the tenant:new command sees them: one kebab-case flag per YAML
// field, the question asked for it, the comment written beside it, and which modes use it. The
// order of FIELDS is the order of the file (the contract's order).

import { Document, isScalar, Pair, parse, Scalar, stringify, YAMLMap, YAMLSeq } from "yaml";

import { Environment } from "../../../stacks/config/tenant";
import { Mode, MODES, modesWith } from "../../../lib/modes";

export type FieldKind = "string" | "integer" | "list";

export interface Field {
    /** The flag, without `--`: exactly one per YAML field. */
    readonly flag: string;
    /** The field's path in the document, e.g. ["vpn", "corporateCidrs"]. */
    readonly path: readonly string[];
    readonly kind: FieldKind;
    /** The comment written beside the field in the file. */
    readonly comment: string;
    /** The question asked in the terminal (without the default). */
    readonly question: string;
    /** The modes whose files may hold the field. */
    readonly modes: readonly Mode[];
    /** Left out of the file when unanswered (the program's default applies). */
    readonly optional: boolean;
}

const ALL: readonly Mode[] = MODES;
const NOT_SAAS: readonly Mode[] = modesWith("domain");
const OWN_NETWORK: readonly Mode[] = modesWith("network");
const VPN: readonly Mode[] = modesWith("vpn");
const SYNC: readonly Mode[] = modesWith("directory");

export const FIELDS: readonly Field[] = [
    { flag: "tenant", path: ["tenant"], kind: "string", modes: ALL, optional: false, comment: "tenant id = file name = stack name", question: "Tenant id (3-30 of a-z 0-9 -)" },
    { flag: "company", path: ["company"], kind: "string", modes: ALL, optional: false, comment: "the customer's company name", question: "Company name" },
    { flag: "mode", path: ["mode"], kind: "string", modes: ALL, optional: false, comment: "configuration mode", question: "Mode (number or name)" },
    { flag: "region", path: ["region"], kind: "string", modes: ALL, optional: false, comment: "AWS region of the tenant's stack", question: "AWS region" },
    { flag: "environment", path: ["environment"], kind: "string", modes: ALL, optional: true, comment: "production | demo | test", question: "Environment (production, demo or test)" },
    { flag: "subdomain", path: ["domain", "subdomain"], kind: "string", modes: NOT_SAAS, optional: false, comment: "served as <subdomain>.<platform base domain>", question: "Domain: a subdomain label, or the customer's own domain (a name with dots)" },
    { flag: "own-domain", path: ["domain", "own"], kind: "string", modes: NOT_SAAS, optional: false, comment: "the customer's own domain; they create the DNS records the plan lists", question: "Customer's own domain" },
    { flag: "network-cidr", path: ["network", "cidr"], kind: "string", modes: OWN_NETWORK, optional: false, comment: "the tenant's private network, unique across the fleet", question: "Tenant network CIDR" },
    { flag: "customer-gateway-ip", path: ["vpn", "customerGatewayIp"], kind: "string", modes: VPN, optional: false, comment: "public IPv4 of the customer's VPN device", question: "Public IPv4 address of the customer's VPN device" },
    { flag: "bgp-asn", path: ["vpn", "bgpAsn"], kind: "integer", modes: VPN, optional: true, comment: "customer's private BGP ASN (dynamic routing)", question: "Customer's BGP ASN, 64512-65534 (Enter: static routing)" },
    { flag: "corporate-cidr", path: ["vpn", "corporateCidrs"], kind: "list", modes: VPN, optional: false, comment: "customer networks reached over the VPN", question: "Customer's corporate networks (CIDRs, separated by commas)" },
    { flag: "directory-name", path: ["identity", "directoryName"], kind: "string", modes: SYNC, optional: false, comment: "the customer's Active Directory domain", question: "Active Directory domain name (e.g. corp.example.com)" },
    { flag: "dns-ip", path: ["identity", "dnsIps"], kind: "list", modes: SYNC, optional: false, comment: "the directory's two DNS servers, inside the corporate networks", question: "The directory's two DNS server addresses (separated by commas)" },
    { flag: "service-account", path: ["identity", "serviceAccount"], kind: "string", modes: SYNC, optional: false, comment: "user name only; its password is Pulumi stack config (directoryPassword)", question: "Directory service account user name" },
    { flag: "instance-type", path: ["compute", "instanceType"], kind: "string", modes: NOT_SAAS, optional: true, comment: "EC2 instance type of the app servers", question: "App server instance type" },
    { flag: "instances", path: ["compute", "instances"], kind: "integer", modes: NOT_SAAS, optional: true, comment: "number of app servers (1-10)", question: "Number of app servers (1-10)" },
    { flag: "volume-gib", path: ["compute", "volumeGiB"], kind: "integer", modes: NOT_SAAS, optional: true, comment: "data volume per server, GiB", question: "Data volume per server in GiB (20-16384)" },
    { flag: "db-instance-class", path: ["database", "instanceClass"], kind: "string", modes: NOT_SAAS, optional: true, comment: "RDS instance class", question: "Database instance class" },
    { flag: "db-storage-gib", path: ["database", "storageGiB"], kind: "integer", modes: NOT_SAAS, optional: true, comment: "database storage, GiB", question: "Database storage in GiB (20-65536)" },
    { flag: "password-min-length", path: ["security", "passwordMinLength"], kind: "integer", modes: ALL, optional: true, comment: "the app's minimum password length", question: "Minimum password length in the app (10-128)" },
    { flag: "offsite-region", path: ["backup", "offsiteRegion"], kind: "string", modes: ALL, optional: true, comment: "region of the off-site backup copies", question: "Off-site backup region" },
];

export type FieldFlag = (typeof FIELDS)[number]["flag"];

export function fieldByFlag(flag: string): Field {
    const field = FIELDS.find((candidate) => candidate.flag === flag);
    if (!field) {
        throw new Error(`no field for --${flag}`);
    }
    return field;
}

/** The JSON pointer of a field, as the validator reports problems. */
export function pointerOf(field: Field): string {
    return `/${field.path.join("/")}`;
}

/** The field a validator problem is about (the deepest field whose pointer it is at or below). */
export function fieldOfPointer(pointer: string): Field | undefined {
    return FIELDS.find((field) => pointer === pointerOf(field) || pointer.startsWith(`${pointerOf(field)}/`));
}

/** What the user gave, as text: a string per field, a list for list fields. */
export type Answers = Partial<Record<string, string | readonly string[]>>;

/** One line per mode for the mode question and --help. */
export const MODE_EXPLANATIONS: Readonly<Record<Mode, string>> = {
    saas: "shared servers and database, reached at app.<base domain>",
    "dedicated-saas": "its own app copy and database on the shared servers, its own (sub)domain",
    physical: "a dedicated physical host (EC2 Dedicated Host) with every server, its own network",
    cloud: "dedicated servers and database in its own VPC, public over HTTPS",
    vpn: "dedicated cloud reached only over a site-to-site IPSec VPN",
    "vpn-sync": "as vpn, with users synced from the customer's Active Directory",
};

export const DEFAULT_REGION = "eu-west-1";
export const DEFAULT_ENVIRONMENT: Environment = "production";

/**
 * Integer fields become numbers only when they are written as whole numbers; anything else stays
 * text so the validator names the mistake ("must be a whole number, got ...").
 */
function typed(field: Field, value: string | readonly string[]): unknown {
    if (field.kind === "list") {
        return [...(typeof value === "string" ? splitList(value) : value)];
    }
    const text = typeof value === "string" ? value : value.join(",");
    return field.kind === "integer" && /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

/** Splits a typed list answer on commas and white space, dropping empty entries. */
export function splitList(text: string): string[] {
    return text
        .split(/[\s,]+/)
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
}

export const SCHEMA_COMMENT = " yaml-language-server: $schema=./tenant.schema.json";

const SECTION_COMMENTS: Readonly<Record<string, string>> = {
    domain: " where the app is served: exactly one of subdomain / own",
    network: " the tenant's VPC; never overlaps another tenant's network",
    vpn: " the site-to-site IPSec VPN to the customer",
    identity: " the customer's Active Directory, reached over the VPN",
    compute: " server sizing (left out: the defaults of the mode and environment)",
    database: " database sizing (left out: the defaults of the mode and environment)",
    security: " the app's security settings",
    backup: " backup settings",
};

/**
 * The tenant file as a YAML document with a comment on every field. Answers that are absent
 * (or empty) are left out, so the program's defaults apply to them.
 */
export function buildDocument(answers: Answers): Document {
    const doc = new Document(new YAMLMap());
    const mode = typeof answers.mode === "string" && (MODES as readonly string[]).includes(answers.mode) ? (answers.mode as Mode) : undefined;
    doc.commentBefore = [SCHEMA_COMMENT, ` ${mode ? `${mode}: ${MODE_EXPLANATIONS[mode]}.` : "a tenant of the platform."}`, " Created with npm run tenant:new; check edits with npm run validate."].join("\n");
    const root = doc.contents as YAMLMap;
    for (const field of FIELDS) {
        const value = answers[field.flag];
        if (value === undefined || (typeof value === "string" && value === "") || (typeof value !== "string" && value.length === 0)) {
            continue;
        }
        let parent = root;
        for (const segment of field.path.slice(0, -1)) {
            let section = parent.get(segment, true) as YAMLMap | undefined;
            if (!section) {
                section = new YAMLMap();
                const key = new Scalar(segment);
                key.commentBefore = SECTION_COMMENTS[segment];
                parent.items.push(new Pair(key, section));
            }
            parent = section;
        }
        const key = field.path[field.path.length - 1]!;
        const node = doc.createNode(typed(field, value));
        quoteWhereYaml11ReadsOtherwise(node);
        if (isScalar(node)) {
            node.comment = ` ${field.comment}`;
            parent.items.push(new Pair(new Scalar(key), node));
        } else {
            // A list's comment goes above its key: a trailing comment would sit after the last item.
            const keyNode = new Scalar(key);
            keyNode.commentBefore = ` ${field.comment}`;
            (node as YAMLSeq).flow = false;
            parent.items.push(new Pair(keyNode, node));
        }
    }
    return doc;
}

/**
 * The file is YAML 1.2 (the contract), where `yes`, `on`, `1_000` or `12:30` are plain text; a YAML
 * 1.1 reader (PyYAML, older editors and linters) reads them as a boolean or a number. Such a string
 * is written in double quotes, which both read as the same text.
 */
function quoteWhereYaml11ReadsOtherwise(node: unknown): void {
    const scalars = isScalar(node) ? [node] : (node as YAMLSeq).items.filter(isScalar);
    for (const scalar of scalars) {
        if (typeof scalar.value === "string" && parse(stringify(scalar.value), { version: "1.1" }) !== scalar.value) {
            scalar.type = Scalar.QUOTE_DOUBLE;
        }
    }
}

export function renderTenantFile(answers: Answers): string {
    return buildDocument(answers).toString({ lineWidth: 0 });
}
