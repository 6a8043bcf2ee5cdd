// The tenant YAML contract (shared/contracts/tenant-yaml.md), rule by rule: for each rule a passing
// case and a failing case that asserts the exact JSON pointer, line, column and the key part of the
// message. Documents are rendered from a valid baseline per mode by a small YAML writer that records
// where it put every key and value, so positions are checked against what was written, not against
// what the validator computes.

import { Region } from "@pulumi/aws/types/enums";
import { describe, expect, it } from "vitest";

import schema from "../tenant-configs/tenant.schema.json";
import { PARTNER_REGIONS, REGIONS } from "../lib/regions";
import { ENVIRONMENTS } from "../stacks/config/tenant";
import { MODES } from "../lib/modes";
import { formatProblem, Problem, validateTenantFile } from "../stacks/config/validate";

// ---------------------------------------------------------------------------------------------
// A tiny YAML writer with a position map.

type Yaml = string | number | boolean | null | readonly Yaml[] | { readonly [key: string]: Yaml };
type Doc = { readonly [key: string]: Yaml };

interface Position {
    readonly line: number;
    readonly column: number;
}

interface Rendered {
    readonly text: string;
    /** Where the key of the field at `pointer` was written. */
    key(pointer: string): Position;
    /** Where the value was written (for a nested mapping or list: its first entry). */
    value(pointer: string): Position;
}

const HEADER = "# yaml-language-server: $schema=./tenant.schema.json";

/** A string YAML 1.2 core would read back as a string when written plain. */
function isPlainSafe(text: string): boolean {
    return (
        /^[A-Za-z0-9][A-Za-z0-9 ._/()&,'-]*$/.test(text) &&
        !text.endsWith(" ") &&
        !/^(true|false|null|yes|no|on|off)$/i.test(text) &&
        !/^[-+]?[0-9][0-9_]*(\.[0-9]*)?([eE][-+]?[0-9]+)?$/.test(text) &&
        !/^0[xo]/i.test(text)
    );
}

/** A YAML double-quoted scalar that escapes every control and line-separator character. */
function doubleQuoted(text: string): string {
    let out = '"';
    for (const ch of text) {
        const code = ch.codePointAt(0)!;
        if (ch === '"' || ch === "\\") {
            out += `\\${ch}`;
        } else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff) {
            out += `\\u${code.toString(16).padStart(4, "0")}`;
        } else {
            out += ch;
        }
    }
    return `${out}"`;
}

function scalar(value: string | number | boolean): string {
    if (typeof value !== "string") {
        return String(value);
    }
    return isPlainSafe(value) ? value : doubleQuoted(value);
}

function child(pointer: string, segment: string | number): string {
    return `${pointer === "/" ? "" : pointer}/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

function render(doc: Doc, options: { header?: boolean } = {}): Rendered {
    const lines: string[] = options.header === false ? [] : [HEADER];
    const keys = new Map<string, Position>();
    const values = new Map<string, Position>();
    const here = (column: number): Position => ({ line: lines.length + 1, column });

    const mapping = (node: Doc, pointer: string, indent: number): void => {
        for (const [key, value] of Object.entries(node)) {
            const at = child(pointer, key);
            const pad = " ".repeat(indent);
            const keyText = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : doubleQuoted(key);
            const inline = indent + keyText.length + 3;
            keys.set(at, here(indent + 1));
            if (value === null) {
                values.set(at, here(indent + 1));
                lines.push(`${pad}${keyText}:`);
            } else if (Array.isArray(value)) {
                if (value.length === 0) {
                    values.set(at, here(inline));
                    lines.push(`${pad}${keyText}: []`);
                    continue;
                }
                lines.push(`${pad}${keyText}:`);
                values.set(at, here(indent + 3));
                value.forEach((item: Yaml, index: number) => {
                    if (typeof item === "object" && item !== null) {
                        throw new Error("the test writer only writes lists of scalars");
                    }
                    const itemAt = child(at, index);
                    keys.set(itemAt, here(indent + 5));
                    values.set(itemAt, here(indent + 5));
                    lines.push(`${pad}  - ${item === null ? "null" : scalar(item)}`);
                });
            } else if (typeof value === "object") {
                if (Object.keys(value).length === 0) {
                    values.set(at, here(inline));
                    lines.push(`${pad}${keyText}: {}`);
                    continue;
                }
                lines.push(`${pad}${keyText}:`);
                values.set(at, here(indent + 3));
                mapping(value as Doc, at, indent + 2);
            } else {
                values.set(at, here(inline));
                lines.push(`${pad}${keyText}: ${scalar(value as string | number | boolean)}`);
            }
        }
    };
    values.set("/", here(1));
    mapping(doc, "/", 0);
    const lookup = (map: Map<string, Position>, pointer: string): Position => {
        const found = map.get(pointer);
        if (!found) {
            throw new Error(`the test document has nothing at ${pointer}`);
        }
        return found;
    };
    return {
        text: `${lines.join("\n")}\n`,
        key: (pointer) => lookup(keys, pointer),
        value: (pointer) => lookup(values, pointer),
    };
}

/** A copy of `doc` with the value at `pointer` replaced (or removed when `value` is undefined). */
function edit(doc: Doc, pointer: string, value: Yaml | undefined): Doc {
    const copy = structuredClone(doc) as Record<string, unknown>;
    const segments = pointer.slice(1).split("/");
    const last = segments.pop()!;
    let node: Record<string, unknown> = copy;
    for (const segment of segments) {
        if (typeof node[segment] !== "object" || node[segment] === null) {
            node[segment] = {};
        }
        node = node[segment] as Record<string, unknown>;
    }
    if (value === undefined) {
        if (Array.isArray(node)) {
            node.splice(Number(last), 1);
        } else {
            delete node[last];
        }
    } else {
        node[last] = value;
    }
    return copy as Doc;
}

function edits(doc: Doc, changes: Record<string, Yaml | undefined>): Doc {
    return Object.entries(changes).reduce((current, [pointer, value]) => edit(current, pointer, value), doc);
}

// ---------------------------------------------------------------------------------------------
// Valid baselines, one per mode.

const SAAS: Doc = { tenant: "acme", company: "ACME Corporation", mode: "saas", region: "eu-west-1" };
const DEDICATED_SAAS: Doc = { ...SAAS, mode: "dedicated-saas", domain: { subdomain: "acme" } };
const PHYSICAL: Doc = { ...SAAS, mode: "physical", domain: { own: "itm.acme.com" }, network: { cidr: "10.20.0.0/16" } };
const CLOUD: Doc = { ...SAAS, mode: "cloud", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } };
const VPN: Doc = {
    ...CLOUD,
    mode: "vpn",
    vpn: { customerGatewayIp: "81.2.69.142", corporateCidrs: ["192.168.0.0/16"] },
};
/** Every section of the contract, all valid. */
const VPN_SYNC: Doc = {
    tenant: "acme",
    company: "ACME Corporation",
    mode: "vpn-sync",
    region: "eu-west-1",
    environment: "production",
    domain: { own: "itm.acme.com" },
    network: { cidr: "10.40.0.0/16" },
    vpn: { customerGatewayIp: "81.2.69.142", bgpAsn: 65010, corporateCidrs: ["192.168.0.0/16", "10.200.0.0/16"] },
    identity: { directoryName: "corp.acme.com", dnsIps: ["192.168.10.10", "192.168.10.11"], serviceAccount: "svc-itm" },
    compute: { instanceType: "m6i.large", instances: 2, volumeGiB: 100 },
    database: { instanceClass: "db.m6g.large", storageGiB: 100 },
    security: { passwordMinLength: 14 },
    backup: { offsiteRegion: "eu-central-1" },
};

const BASELINES: Record<string, Doc> = {
    saas: SAAS,
    "dedicated-saas": DEDICATED_SAAS,
    physical: PHYSICAL,
    cloud: CLOUD,
    vpn: VPN,
    "vpn-sync": VPN_SYNC,
};

// ---------------------------------------------------------------------------------------------
// Checking helpers.

function fileFor(doc: Doc): string {
    return `${typeof doc.tenant === "string" ? doc.tenant : "acme"}.yaml`;
}

function check(doc: Doc, file = fileFor(doc)) {
    const rendered = render(doc);
    const result = validateTenantFile(file, Buffer.from(rendered.text));
    return { rendered, result, problems: result.problems };
}

function expectValid(doc: Doc, file = fileFor(doc)): void {
    const { problems, result } = check(doc, file);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(result.document).toBeDefined();
}

type Where = "key" | "value" | ((rendered: Rendered) => Position);

/** Validates `doc` and expects exactly one problem, at `pointer` (its key or value), saying `message`. */
function expectOnly(doc: Doc, pointer: string, where: Where, message: string, file = fileFor(doc)): Problem {
    const { rendered, problems, result } = check(doc, file);
    const position = typeof where === "function" ? where(rendered) : where === "key" ? rendered.key(pointer) : rendered.value(pointer);
    expect(problems).toEqual([{ file, ...position, path: pointer, message: expect.stringContaining(message) }]);
    expect(result.document).toBeUndefined();
    return problems[0]!;
}

/** The position where a missing child of `parent` is reported: the parent mapping's first entry. */
const atParent =
    (parent: string) =>
    (rendered: Rendered): Position =>
        rendered.value(parent);

// ---------------------------------------------------------------------------------------------

describe("baselines", () => {
    it.each(Object.entries(BASELINES))("GIVEN the baseline for mode %s WHEN validated THEN there is no problem", (_, doc) => {
        expectValid(doc);
    });

    it("GIVEN a baseline WHEN validated THEN the document is returned as data", () => {
        const { result } = check(VPN_SYNC);
        expect(result.document).toEqual(VPN_SYNC);
    });

    it("GIVEN a file with several mistakes WHEN validated THEN every one is reported, sorted by line", () => {
        const doc = edits(VPN_SYNC, {
            "/company": "",
            "/network/cidr": "172.16.0.1/8",
            "/vpn/bgpAsn": 1,
            "/compute/instances": 0,
        });
        const { rendered, problems } = check(doc);
        expect(problems.map((problem) => [problem.path, problem.line, problem.column])).toEqual([
            ["/company", rendered.value("/company").line, rendered.value("/company").column],
            // 172.16.0.1/8: host bits, prefix and not RFC 1918, three separate messages.
            ["/network/cidr", rendered.value("/network/cidr").line, rendered.value("/network/cidr").column],
            ["/network/cidr", rendered.value("/network/cidr").line, rendered.value("/network/cidr").column],
            ["/network/cidr", rendered.value("/network/cidr").line, rendered.value("/network/cidr").column],
            ["/vpn/bgpAsn", rendered.value("/vpn/bgpAsn").line, rendered.value("/vpn/bgpAsn").column],
            ["/compute/instances", rendered.value("/compute/instances").line, rendered.value("/compute/instances").column],
        ]);
    });
});

describe("schema and code agree", () => {
    const EXCLUDED_PARTITIONS = [/^cn-/, /^us-gov-/, /^eusc-/, /-iso[a-z]*-/];
    const providerRegions = Object.values(Region) as string[];

    it("GIVEN @pulumi/aws's Region enum WHEN the China, GovCloud, sovereign and isolated partitions are removed THEN REGIONS is what remains", () => {
        expect(REGIONS).toEqual(providerRegions.filter((region) => !EXCLUDED_PARTITIONS.some((pattern) => pattern.test(region))));
        expect(REGIONS).toContain("eu-west-1");
        expect(REGIONS).toContain("us-east-1");
        for (const excluded of ["cn-north-1", "us-gov-west-1", "eusc-de-east-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1"]) {
            expect(REGIONS).not.toContain(excluded);
        }
    });

    it("GIVEN the schema WHEN its region enum is read THEN it equals REGIONS", () => {
        expect(schema.$defs.region.enum).toEqual([...REGIONS]);
    });

    it("GIVEN the schema WHEN its mode enum is read THEN it equals MODES", () => {
        expect(schema.properties.mode.enum).toEqual([...MODES]);
    });

    it("GIVEN the schema WHEN its environment enum is read THEN it equals ENVIRONMENTS", () => {
        expect(schema.properties.environment.enum).toEqual([...ENVIRONMENTS]);
    });

    it("GIVEN every region WHEN its default off-site partner is looked up THEN it is another offered region", () => {
        for (const region of REGIONS) {
            const partner = PARTNER_REGIONS[region];
            expect(partner, region).toBeDefined();
            expect(REGIONS, region).toContain(partner);
            expect(partner, region).not.toBe(region);
        }
    });
});

describe("tenant", () => {
    it.each(["abc", "acme", "acme-2", "a1b", "trial-lumen", `a${"b".repeat(28)}c`])(
        "GIVEN tenant %s in a file of that name WHEN validated THEN it passes",
        (tenant) => {
            expectValid(edit(SAAS, "/tenant", tenant));
        },
    );

    it.each([
        ["two characters", "ab"],
        ["31 characters", `a${"b".repeat(29)}c`],
        ["a leading digit", "1acme"],
        ["a leading hyphen", "-acme"],
        ["a trailing hyphen", "acme-"],
        ["upper case", "Acme"],
        ["an underscore", "ac_me"],
        ["a dot", "acme.corp"],
        ["a non-ASCII letter", "acmé"],
    ])("GIVEN a tenant id with %s (%s) WHEN validated THEN /tenant is refused by the pattern", (_, tenant) => {
        expectOnly(edit(SAAS, "/tenant", tenant), "/tenant", "value", `${JSON.stringify(tenant)} is not valid; expected the tenant id`);
    });

    it("GIVEN a tenant id that is a number WHEN validated THEN /tenant must be a string", () => {
        expectOnly(edit(SAAS, "/tenant", 123), "/tenant", "value", "must be a string, got 123", "123.yaml");
    });

    it.each([
        ["a number", 1234, "number"],
        ["a boolean", true, "boolean"],
    ])("GIVEN a company name YAML reads as %s WHEN validated THEN the message says to quote it", (_, company, kind) => {
        expectOnly(edit(SAAS, "/company", company), "/company", "value", `must be a string, got ${String(company)} (YAML reads it unquoted as a ${kind}: put the value in quotes to make it text)`);
    });

    it("GIVEN a section where a text is expected WHEN validated THEN no quoting is suggested", () => {
        const problem = expectOnly(edit(SAAS, "/company", { name: "ACME" }), "/company", "value", "must be a string");
        expect(problem.message).not.toContain("quotes");
    });

    it("GIVEN no tenant field WHEN validated THEN /tenant is required at the document", () => {
        expectOnly(edit(SAAS, "/tenant", undefined), "/tenant", atParent("/"), "is required", "acme.yaml");
    });

    it("GIVEN tenant acme in globex.yaml (an example copied, tenant: left unchanged) WHEN validated THEN the advice is to change tenant: to the file's id, never to rename the file to the example's", () => {
        expectOnly(
            SAAS,
            "/tenant",
            "value",
            `"acme" does not match the file name "globex.yaml"; the file name is the tenant id (and the stack name): change tenant: to match the file (tenant: globex), or rename the file only if "acme" is the id this tenant was created with`,
            "globex.yaml",
        );
    });

    it("GIVEN tenant acme in a file whose name is no tenant id WHEN validated THEN the advice is to name the file after the tenant", () => {
        expectOnly(SAAS, "/tenant", "value", `"Acme Copy" is not a tenant id, so name the file acme.yaml`, "Acme Copy.yaml");
    });

    it("GIVEN tenant acme in a folder's acme.yaml WHEN validated THEN only the base name counts", () => {
        expectValid(SAAS, "tenant-configs/acme.yaml");
    });

    it.each(["platform", "platform-eu-west-1", "platform-us-east-1", "platform-ap-southeast-7"])(
        "GIVEN the reserved tenant id %s WHEN validated THEN /tenant is reserved for the platform",
        (tenant) => {
            expectOnly(edit(SAAS, "/tenant", tenant), "/tenant", "value", `"${tenant}" is reserved for the platform's stacks`);
        },
    );

    it.each(["platformer", "my-platform", "platform-x", "platform-eu"])("GIVEN tenant %s (not a platform stack name) WHEN validated THEN it passes", (tenant) => {
        expectValid(edit(SAAS, "/tenant", tenant));
    });
});

describe("company", () => {
    it.each([
        ["one character", "A"],
        ["100 characters", "x".repeat(100)],
        ["100 code points of astral characters (200 UTF-16 units)", "\u{1F600}".repeat(100)],
        ["accents and punctuation", "Société Générale S.A. (Zürich) & Co, O'Brien"],
        ["inner spaces", "Helvetia Privatbank AG"],
        // Joiners are format characters (\p{Cf}) that printed text needs: an emoji sequence, Persian's ZWNJ.
        ["an emoji joined by a zero-width joiner", "\u{1F469}\u200d\u{1F4BB} Studio"],
        ["a Persian name with a zero-width non-joiner", "\u0646\u0631\u0645\u200c\u0627\u0641\u0632\u0627\u0631 \u067e\u0627\u0631\u0633"],
    ])("GIVEN a company name with %s WHEN validated THEN it passes", (_, company) => {
        expectValid(edit(SAAS, "/company", company));
    });

    it("GIVEN an empty company name WHEN validated THEN /company is empty", () => {
        expectOnly(edit(SAAS, "/company", ""), "/company", "value", "is empty; expected the customer's company name");
    });

    it.each([
        ["101 characters", "x".repeat(101)],
        ["101 astral code points", "\u{1F600}".repeat(101)],
    ])("GIVEN a company name of %s WHEN validated THEN /company is too long, counted in code points", (_, company) => {
        expectOnly(edit(SAAS, "/company", company), "/company", "value", "is too long (101 characters); expected the customer's company name: 1-100");
    });

    it.each([
        ["a bell (C0)", "AC\u0007ME"],
        ["a tab", "AC\tME"],
        ["a line feed", "ACME\nCorp"],
        ["an escape", "\u001b[31mACME"],
        ["DEL", "ACME\u007f"],
        ["a C1 next-line", "AC\u0085ME"],
        ["a line separator", "AC\u2028ME"],
        ["a paragraph separator", "AC\u2029ME"],
        ["a zero-width joiner alone", "\u200d"],
        ["a zero-width joiner at the end", "ACME\u200d"],
        ["a zero-width non-joiner at the start", "\u200cACME"],
        ["two joiners in a row", "AC\u200d\u200dME"],
    ])("GIVEN a company name with %s written as a YAML escape WHEN validated THEN /company is refused", (_, company) => {
        expectOnly(edit(SAAS, "/company", company), "/company", "value", "is not valid; expected the customer's company name: 1-100 printable characters, no control characters");
    });

    it.each([
        ["a right-to-left override", "AC\u202eME", "AC\\u202eME"],
        ["a zero-width space", "AC\u200bME", "AC\\u200bME"],
        ["a line separator", "AC\u2028ME", "AC\\u2028ME"],
        ["a tag character (beyond U+FFFF)", "AC\u{E0041}ME", "AC\\udb40\\udc41ME"],
        ["DEL", "ACME\u007f", "ACME\\u007f"],
        ["a C1 next-line", "AC\u0085ME", "AC\\u0085ME"],
        ["a C1 control sequence introducer", "\u009b31mACME", "\\u009b31mACME"],
        ["a private-use character", "AC\ue000ME", "AC\\ue000ME"],
        ["a private-use character beyond U+FFFF", "AC\u{F0000}ME", "AC\\udb80\\udc00ME"],
    ])("GIVEN a company name with %s WHEN refused THEN the message quotes it escaped, never the character a terminal would act on", (_, company, shown) => {
        const problem = expectOnly(edit(SAAS, "/company", company), "/company", "value", "is not valid; expected the customer's company name");
        expect(problem.message).toContain(`"${shown}" is not valid`);
        expect(problem.message).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
    });

    it("GIVEN a company name of spaces only WHEN validated THEN /company asks for a name", () => {
        expectOnly(edit(SAAS, "/company", "   "), "/company", "value", "is only white space");
    });

    it("GIVEN a company with no value WHEN validated THEN /company must be a string, pointing at the key", () => {
        expectOnly(edit(SAAS, "/company", null), "/company", "key", "must be a string, got an empty value");
    });
});

describe("mode, region and environment", () => {
    it.each(MODES.map((mode) => [mode]))("GIVEN mode %s with its baseline WHEN validated THEN it passes", (mode) => {
        expectValid(BASELINES[mode]!);
    });

    it.each([
        ["VPN", ' (did you mean "vpn"?)'],
        ["vpn_sync", ' (did you mean "vpn-sync"?)'],
        ["dedicated-sas", ' (did you mean "dedicated-saas"?)'],
        ["hybrid", ""],
    ])("GIVEN mode %s WHEN validated THEN /mode lists the modes", (mode, hint) => {
        const problem = expectOnly(edit(CLOUD, "/mode", mode), "/mode", "value", `"${mode}" is not allowed${hint}; expected one of: saas, dedicated-saas, physical, cloud, vpn, vpn-sync`);
        if (hint === "") {
            expect(problem.message).not.toContain("did you mean");
        }
    });

    it("GIVEN every offered region WHEN used as the tenant's region THEN each passes", () => {
        for (const region of REGIONS) {
            const { problems } = check(edit(SAAS, "/region", region));
            expect(problems.map(formatProblem), region).toEqual([]);
        }
    });

    it.each(["cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1", "eusc-de-east-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eu-west-9", "EU-WEST-1", "europe"])(
        "GIVEN region %s WHEN validated THEN /region is refused as not a commercial region",
        (region) => {
            expectOnly(edit(SAAS, "/region", region), "/region", "value", `"${region}" is not allowed`);
            const { problems } = check(edit(SAAS, "/region", region));
            expect(problems[0]!.message).toContain("expected an AWS commercial region");
        },
    );

    it("GIVEN region eu-wset-1 WHEN validated THEN /region suggests eu-west-1", () => {
        expectOnly(edit(SAAS, "/region", "eu-wset-1"), "/region", "value", '"eu-wset-1" is not allowed (did you mean "eu-west-1"?)');
    });

    it.each(["production", "demo", "test"])("GIVEN environment %s WHEN validated THEN it passes", (environment) => {
        expectValid(edit(CLOUD, "/environment", environment));
    });

    it.each(["staging", "Production", "prod"])("GIVEN environment %s WHEN validated THEN /environment lists the environments", (environment) => {
        expectOnly(edit(CLOUD, "/environment", environment), "/environment", "value", `"${environment}" is not allowed`);
        expect(check(edit(CLOUD, "/environment", environment)).problems[0]!.message).toContain("expected one of: production, demo, test");
    });

    it.each([
        ["/mode", null, "key", "must be a string, got an empty value"],
        ["/region", 1, "value", "must be a string, got 1"],
        ["/environment", true, "value", "must be a string, got true"],
        ["/status", null, "key", "must be a string, got an empty value"],
    ] as const)("GIVEN %s with the value %s WHEN validated THEN it is one problem, of its type", (pointer, value, where, message) => {
        expectOnly(edit(SAAS, pointer, value), pointer, where, message);
    });

    it.each(["mode", "region", "company"])("GIVEN no %s WHEN validated THEN it is required at the document", (field) => {
        expectOnly(edit(SAAS, `/${field}`, undefined), `/${field}`, atParent("/"), "is required");
    });
});

describe("sections required or absent per mode", () => {
    // The contract's table: R required, A must be absent, O optional.
    const TABLE: Record<string, Record<string, "R" | "A" | "O">> = {
        saas: { domain: "A", network: "A", vpn: "A", identity: "A", compute: "A", database: "A", security: "O", backup: "O" },
        "dedicated-saas": { domain: "R", network: "A", vpn: "A", identity: "A", compute: "O", database: "O", security: "O", backup: "O" },
        physical: { domain: "R", network: "R", vpn: "A", identity: "A", compute: "O", database: "O", security: "O", backup: "O" },
        cloud: { domain: "R", network: "R", vpn: "A", identity: "A", compute: "O", database: "O", security: "O", backup: "O" },
        vpn: { domain: "R", network: "R", vpn: "R", identity: "A", compute: "O", database: "O", security: "O", backup: "O" },
        "vpn-sync": { domain: "R", network: "R", vpn: "R", identity: "R", compute: "O", database: "O", security: "O", backup: "O" },
    };
    const cases = Object.entries(TABLE).flatMap(([mode, sections]) => Object.entries(sections).map(([section, rule]) => [mode, section, rule] as const));

    it("GIVEN the table WHEN compared with MODES THEN it covers every mode", () => {
        expect(Object.keys(TABLE)).toEqual([...MODES]);
    });

    it.each(cases.filter(([, , rule]) => rule === "R"))("GIVEN mode %s without %s WHEN validated THEN the section is required", (mode, section) => {
        expectOnly(edit(BASELINES[mode]!, `/${section}`, undefined), `/${section}`, atParent("/"), `is required for mode ${mode}`);
    });

    it.each(cases.filter(([, , rule]) => rule === "A"))("GIVEN mode %s with a valid %s section WHEN validated THEN the section is not allowed, at its key", (mode, section) => {
        const doc = edit(BASELINES[mode]!, `/${section}`, VPN_SYNC[section]!);
        expectOnly(doc, `/${section}`, "key", `is not allowed for mode ${mode}`);
    });

    it.each(cases.filter(([, section, rule]) => rule === "A" && typeof VPN_SYNC[section] === "object" && !Array.isArray(VPN_SYNC[section])))(
        "GIVEN mode %s with a half-written %s section (one field, another unknown) WHEN validated THEN only the section is refused, not what it lacks or holds",
        (mode, section) => {
            const fields = VPN_SYNC[section] as Doc;
            const first = Object.keys(fields)[0]!;
            const doc = edit(BASELINES[mode]!, `/${section}`, { [first]: fields[first], bogus: 1 } as Doc);
            expectOnly(doc, `/${section}`, "key", `is not allowed for mode ${mode}`);
        },
    );

    it.each(cases.filter(([, , rule]) => rule === "O"))("GIVEN mode %s with a valid %s section WHEN validated THEN it passes", (mode, section) => {
        expectValid(edit(BASELINES[mode]!, `/${section}`, VPN_SYNC[section]!));
    });
});

describe("optional sections present but empty", () => {
    it.each(["compute", "database", "security", "backup"])("GIVEN `%s:` with every child commented out WHEN validated THEN it is an error at the key", (section) => {
        const base = edit(VPN_SYNC, `/${section}`, undefined);
        const text = `${render(base).text}${section}:\n  # ${Object.keys(VPN_SYNC[section] as Doc)[0]}: commented out\n`;
        const line = text.split("\n").length - 2;
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(problems).toEqual([
            { file: "acme.yaml", line, column: 1, path: `/${section}`, message: expect.stringContaining("is empty; a section, when present, must be a mapping of fields") },
        ]);
    });

    it.each(["domain", "network", "vpn", "identity"])("GIVEN a required `%s:` with no value WHEN validated THEN it is empty, at the key", (section) => {
        expectOnly(edit(VPN_SYNC, `/${section}`, null), `/${section}`, "key", "is empty; a section, when present, must be a mapping");
    });

    it("GIVEN a section that is a scalar WHEN validated THEN it must be a mapping", () => {
        expectOnly(edit(VPN_SYNC, "/security", "strict"), "/security", "value", 'must be a mapping, got "strict"');
    });
});

describe("domain", () => {
    it.each(["a", "acme", "acme-2", "1acme", "a1", "x".repeat(63), "apps"])("GIVEN subdomain %s WHEN validated THEN it passes", (subdomain) => {
        expectValid(edit(CLOUD, "/domain/subdomain", subdomain));
    });

    it.each([
        ["empty", ""],
        ["64 characters", "x".repeat(64)],
        ["a leading hyphen", "-acme"],
        ["a trailing hyphen", "acme-"],
        ["upper case", "Acme"],
        ["an underscore", "ac_me"],
        ["two labels", "acme.corp"],
        ["a non-ASCII letter", "acmé"],
        ["a space", "ac me"],
    ])("GIVEN a subdomain with %s WHEN validated THEN /domain/subdomain is not one DNS label", (_, subdomain) => {
        const problem = expectOnly(edit(CLOUD, "/domain/subdomain", subdomain), "/domain/subdomain", "value", `${JSON.stringify(subdomain)} is not valid`);
        expect(problem.message).toContain("; expected one lowercase DNS label");
    });

    it("GIVEN the reserved subdomain app WHEN validated THEN /domain/subdomain is reserved", () => {
        expectOnly(edit(CLOUD, "/domain/subdomain", "app"), "/domain/subdomain", "value", `"app" is reserved for the platform`);
    });

    it.each([
        ["the shared app", "app.itm.example.net", "app.itm.example.net is the platform's shared app"],
        ["another tenant's subdomain", "globex.itm.example.net", 'for a name under it, write "subdomain: globex" instead'],
        ["the base domain itself", "itm.example.net", "it is the platform's own domain"],
        ["a deeper name under it", "a.b.itm.example.net", "a tenant gets one label under it, as subdomain"],
    ])("GIVEN own domain %s WHEN validated THEN /domain/own is refused as the platform's (contract v1.1)", (_, own, reason) => {
        expectOnly(edit(CLOUD, "/domain", { own }), "/domain/own", "value", `is under the platform's domain itm.example.net, which the platform holds, not the customer: ${reason}`);
    });

    it.each(["itm.example.network", "example.net", "itm-example.net", "app.itm.example.net.acme.com"])("GIVEN own domain %s, beside but not under the platform's WHEN validated THEN it passes", (own) => {
        expectValid(edit(CLOUD, "/domain", { own }));
    });

    const fqdn253 = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
    it.each(["itm.acme.com", "a.io", "projects.helvetia-bank.ch", "xn--bcher-kva.example", "pm.xn--p1ai", "a.b.c.d.example.com", "1.acme.com", fqdn253])(
        "GIVEN own domain %s WHEN validated THEN it passes",
        (own) => {
            expectValid(edit(CLOUD, "/domain", { own }));
        },
    );

    it("GIVEN the 253-character fixture WHEN measured THEN it is exactly the FQDN limit", () => {
        expect(fqdn253).toHaveLength(253);
    });

    it.each([
        ["a single label", "acme"],
        ["upper case", "ITM.acme.com"],
        ["a trailing dot", "itm.acme.com."],
        ["an empty label", "itm..acme.com"],
        ["a label with a leading hyphen", "-itm.acme.com"],
        ["a label with a trailing hyphen", "itm-.acme.com"],
        ["a one-letter top-level domain", "itm.acme.c"],
        ["a numeric top-level domain", "itm.acme.123"],
        ["unencoded Unicode", "bücher.example"],
        ["a 64-character label", `${"x".repeat(64)}.acme.com`],
        ["a URL", "https://itm.acme.com"],
        ["a path", "itm.acme.com/app"],
        ["a wildcard", "*.acme.com"],
    ])("GIVEN an own domain with %s WHEN validated THEN /domain/own is not a lowercase FQDN", (_, own) => {
        const problem = expectOnly(edit(CLOUD, "/domain", { own }), "/domain/own", "value", `${JSON.stringify(own)} is not valid`);
        expect(problem.message).toContain("; expected a lowercase fully qualified domain name");
    });

    it.each([
        ["a subdomain", "/domain/subdomain", "xn--zz", `"xn--zz" begins with xn-- but is not valid punycode`],
        ["a subdomain whose punycode decodes to what IDNA forbids", "/domain/subdomain", "xn--a-ecp", `"xn--a-ecp" begins with xn-- but is not valid punycode`],
        ["an own domain's first label", "/domain/own", "xn--ab.acme.com", `"xn--ab.acme.com" has the label "xn--ab", which begins with xn-- but is not valid punycode`],
        ["an own domain's top-level domain", "/domain/own", "pm.acme.xn--zz", `"pm.acme.xn--zz" has the label "xn--zz", which begins with xn-- but is not valid punycode`],
    ])("GIVEN %s beginning with xn-- that is no punycode (%s %s) WHEN validated THEN it is refused there: no browser opens such a name", (_, pointer, value, message) => {
        const problem = expectOnly(edit(CLOUD, "/domain", { [pointer.slice("/domain/".length)]: value }), pointer, "value", message);
        expect(problem.message).toContain("RFC 5890: browsers refuse a URL whose host holds one");
    });

    it.each([
        ["subdomain", "xn--bcher-kva"],
        ["subdomain", "ab--cd"],
        ["own", "xn--bcher-kva.xn--p1ai"],
        ["own", "pm.xn--80ak6aa92e.xn--vermgensberater-ctb"],
    ])("GIVEN the valid punycode or doubled-hyphen %s %s WHEN validated THEN it passes", (key, value) => {
        expectValid(edit(CLOUD, "/domain", { [key]: value }));
    });

    it.each(["pm.acme.local", "itm.corp", "pm.acme.internal", "app.home.arpa", "x.localhost"])("GIVEN the own domain %s, a private network's name WHEN validated THEN it is refused: no public certificate can be issued for it", (own) => {
        expectOnly(edit(CLOUD, "/domain", { own }), "/domain/own", "value", `"${own}" ends in .${own.split(".").pop()}, a name no public certificate authority issues a certificate for`);
    });

    it.each(["pm.acme.com", "pm.acme.example", "local.acme.com", "corp.acme.io"])("GIVEN the own domain %s WHEN validated THEN no private network's name is found in it", (own) => {
        expectValid(edit(CLOUD, "/domain", { own }));
    });

    it.each([
        ["ITM.acme.com", "(it has capital letters; write it in lowercase)"],
        ["itm.acme.com.", "(it ends with a dot; write it without)"],
        ["itm..acme.com", "(an empty label (two dots in a row, or a leading dot))"],
        ["itm-.acme.com", '(the label "itm-" starts or ends with a hyphen)'],
        ["bücher.example", "(it has characters beyond ASCII; an international name is written in punycode (xn--...))"],
        [`${"x".repeat(64)}.acme.com`, "(a label of 64 characters; a DNS label has at most 63)"],
        ["itm.acme.com/app", '(it has "/"; a DNS name has letters, digits, hyphens and dots only)'],
        ["itm.acme.c", undefined],
    ])("GIVEN the own domain %s WHEN refused THEN the message says what in it is wrong", (own, why) => {
        const problem = expectOnly(edit(CLOUD, "/domain", { own }), "/domain/own", "value", "is not valid");
        expect(problem.message).toContain(why === undefined ? "is not valid; expected" : `is not valid ${why}; expected`);
    });

    it("GIVEN an own domain of 254 characters WHEN validated THEN /domain/own is too long", () => {
        const own = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.com`;
        expectOnly(edit(CLOUD, "/domain", { own }), "/domain/own", "value", "is too long (254 characters)");
    });

    it("GIVEN both subdomain and own WHEN validated THEN /domain needs exactly one", () => {
        expectOnly(edit(CLOUD, "/domain", { subdomain: "acme", own: "itm.acme.com" }), "/domain", "value", "needs exactly one of subdomain or own, not both");
    });

    it("GIVEN an empty domain mapping WHEN validated THEN /domain needs exactly one", () => {
        expectOnly(edit(CLOUD, "/domain", {}), "/domain", "value", "needs exactly one of subdomain");
        expect(check(edit(CLOUD, "/domain", {})).problems[0]!.message).toContain("neither is given");
    });
});

describe("network", () => {
    it.each(["10.16.0.0/16", "10.20.0.0/16", "10.20.0.0/20", "10.255.255.0/24", "172.16.0.0/16", "172.31.255.0/24", "192.168.0.0/16", "192.168.255.0/24"])(
        "GIVEN network %s WHEN validated THEN it passes",
        (cidr) => {
            expectValid(edit(CLOUD, "/network/cidr", cidr));
        },
    );

    it.each([
        ["no prefix", "10.20.0.0"],
        ["a leading zero in an octet", "10.020.0.0/16"],
        ["a leading zero in the first octet", "010.20.0.0/16"],
        ["a zero-padded prefix", "10.20.0.0/016"],
        ["a prefix above 32", "10.20.0.0/33"],
        ["a trailing space", "10.20.0.0/16 "],
        ["words", "ten-twenty"],
    ])("GIVEN a network with %s (%j) WHEN validated THEN /network/cidr is not canonical IPv4", (_, cidr) => {
        expectOnly(edit(CLOUD, "/network/cidr", cidr), "/network/cidr", "value", `${JSON.stringify(cidr)} is not valid; expected a private IPv4 network (RFC 1918) in canonical form`);
    });

    it.each([
        ["10.20.0.1/16", "10.20.0.0/16"],
        ["192.168.1.0/16", "192.168.0.0/16"],
        ["172.20.0.128/20", "172.20.0.0/20"],
    ])("GIVEN network %s with host bits WHEN validated THEN /network/cidr suggests %s", (cidr, fixed) => {
        expectOnly(edit(CLOUD, "/network/cidr", cidr), "/network/cidr", "value", `"${cidr}" is not a network address: the bits after /${cidr.split("/")[1]} must be zero (did you mean ${fixed}?)`);
    });

    it.each(["10.20.0.0/15", "10.64.0.0/10", "10.20.0.0/25", "10.20.0.0/32"])("GIVEN network %s WHEN validated THEN /network/cidr needs a prefix /16 to /24", (cidr) => {
        expectOnly(edit(CLOUD, "/network/cidr", cidr), "/network/cidr", "value", `has prefix /${cidr.split("/")[1]}; a tenant network is /16 to /24`);
    });

    it.each(["11.0.0.0/16", "8.8.0.0/16", "100.64.0.0/16", "172.15.0.0/16", "172.32.0.0/16", "192.169.0.0/16", "192.167.0.0/16"])(
        "GIVEN the non-RFC-1918 network %s WHEN validated THEN /network/cidr is not private",
        (cidr) => {
            expectOnly(edit(CLOUD, "/network/cidr", cidr), "/network/cidr", "value", `"${cidr}" is not a private network; use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
        },
    );

    it.each(["10.0.0.0/16", "10.8.0.0/16", "10.15.255.0/24"])("GIVEN network %s inside the platform's block WHEN validated THEN /network/cidr overlaps 10.0.0.0/12", (cidr) => {
        expectOnly(edit(CLOUD, "/network/cidr", cidr), "/network/cidr", "value", `"${cidr}" overlaps the platform's block 10.0.0.0/12`);
    });

    it("GIVEN network 10.0.0.1/8 WHEN validated THEN host bits, prefix and platform block are all reported", () => {
        const { rendered, problems } = check(edit(CLOUD, "/network/cidr", "10.0.0.1/8"));
        const at = rendered.value("/network/cidr");
        expect(problems).toEqual(
            expect.arrayContaining([
                { file: "acme.yaml", ...at, path: "/network/cidr", message: expect.stringContaining("did you mean 10.0.0.0/8?") },
                { file: "acme.yaml", ...at, path: "/network/cidr", message: expect.stringContaining("has prefix /8") },
                { file: "acme.yaml", ...at, path: "/network/cidr", message: expect.stringContaining("overlaps the platform's block") },
            ]),
        );
        expect(problems).toHaveLength(3);
    });

    it("GIVEN a network cidr that is a number WHEN validated THEN /network/cidr must be a string", () => {
        expectOnly(edit(CLOUD, "/network/cidr", 1016), "/network/cidr", "value", "must be a string, got 1016");
    });

    it("GIVEN an empty network mapping WHEN validated THEN /network/cidr is required", () => {
        expectOnly(edit(CLOUD, "/network", {}), "/network/cidr", atParent("/network"), "is required");
    });
});

describe("vpn", () => {
    it.each(["81.2.69.142", "85.214.132.117", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.32.0.1", "192.0.1.1", "198.20.0.1", "223.255.255.255"])(
        "GIVEN customer gateway %s WHEN validated THEN it passes",
        (ip) => {
            expectValid(edit(VPN, "/vpn/customerGatewayIp", ip));
        },
    );

    it.each([
        ["a leading zero", "081.2.69.142"],
        ["an inner leading zero", "81.2.069.142"],
        ["three octets", "81.2.69"],
        ["a prefix", "81.2.69.142/32"],
        ["an octet above 255", "256.2.69.142"],
        ["a host name", "vpn.acme.com"],
        ["an IPv6 address", "2001:db8::1"],
    ])("GIVEN a gateway with %s (%s) WHEN validated THEN /vpn/customerGatewayIp is not a canonical IPv4 address", (_, ip) => {
        expectOnly(edit(VPN, "/vpn/customerGatewayIp", ip), "/vpn/customerGatewayIp", "value", `${JSON.stringify(ip)} is not valid; expected the public IPv4 address of the customer's VPN device in canonical form`);
    });

    it.each([
        ["0.1.2.3", "0.0.0.0/8", "'this network'"],
        ["10.1.2.3", "10.0.0.0/8", "private-use (RFC 1918)"],
        ["100.64.0.1", "100.64.0.0/10", "shared address space (CGNAT)"],
        ["127.0.0.1", "127.0.0.0/8", "loopback"],
        ["169.254.169.254", "169.254.0.0/16", "link-local"],
        ["172.16.5.4", "172.16.0.0/12", "private-use (RFC 1918)"],
        ["192.0.0.9", "192.0.0.0/24", "IETF protocol assignments"],
        ["192.0.2.1", "192.0.2.0/24", "documentation (TEST-NET-1)"],
        ["192.31.196.1", "192.31.196.0/24", "AS112-v4"],
        ["192.52.193.1", "192.52.193.0/24", "AMT"],
        ["192.88.99.1", "192.88.99.0/24", "deprecated 6to4 relay anycast"],
        ["192.168.1.1", "192.168.0.0/16", "private-use (RFC 1918)"],
        ["192.175.48.1", "192.175.48.0/24", "direct delegation AS112 service"],
        ["198.18.0.1", "198.18.0.0/15", "benchmarking"],
        ["198.51.100.7", "198.51.100.0/24", "documentation (TEST-NET-2)"],
        ["203.0.113.7", "203.0.113.0/24", "documentation (TEST-NET-3)"],
        ["224.0.0.5", "224.0.0.0/4", "multicast"],
        ["240.0.0.1", "240.0.0.0/4", "reserved"],
        ["255.255.255.255", "255.255.255.255/32", "limited broadcast"],
    ])("GIVEN gateway %s WHEN validated THEN /vpn/customerGatewayIp is in %s (%s)", (ip, range, name) => {
        expectOnly(edit(VPN, "/vpn/customerGatewayIp", ip), "/vpn/customerGatewayIp", "value", `"${ip}" is in ${range} (${name}); the customer's VPN device needs its public internet address`);
    });

    it.each([undefined, 64512, 65010, 65534])("GIVEN bgpAsn %s WHEN validated THEN it passes", (asn) => {
        expectValid(edit(VPN_SYNC, "/vpn/bgpAsn", asn));
    });

    it.each([64511, 65535, 0, 1, 4200000000])("GIVEN bgpAsn %d WHEN validated THEN /vpn/bgpAsn is out of the private range", (asn) => {
        expectOnly(edit(VPN_SYNC, "/vpn/bgpAsn", asn), "/vpn/bgpAsn", "value", `${asn} is out of range; expected the customer's private BGP ASN, an integer from 64512 to 65534`);
    });

    it.each([
        ["a quoted number", "65010", 'got "65010"'],
        ["a fraction", 65010.5, "got 65010.5"],
        ["a boolean", true, "got true"],
    ])("GIVEN bgpAsn as %s WHEN validated THEN /vpn/bgpAsn must be a whole number", (_, asn, got) => {
        expectOnly(edit(VPN_SYNC, "/vpn/bgpAsn", asn), "/vpn/bgpAsn", "value", `must be a whole number, ${got}`);
    });

    const twenty = Array.from({ length: 20 }, (_, i) => `192.168.${i}.0/24`);
    it.each([
        ["one network", ["192.168.0.0/16"]],
        ["twenty distinct networks", twenty],
        ["a network touching network.cidr", ["10.21.0.0/16"]],
        ["a public network", ["81.2.69.0/24"]],
    ])("GIVEN corporateCidrs with %s WHEN validated THEN it passes", (_, cidrs) => {
        expectValid(edit(VPN, "/vpn/corporateCidrs", cidrs));
    });

    it("GIVEN no corporateCidrs WHEN validated THEN the list has 0 items", () => {
        expectOnly(edit(VPN, "/vpn/corporateCidrs", []), "/vpn/corporateCidrs", "value", "has 0 item(s); expected 1-20 distinct IPv4 networks");
    });

    it("GIVEN 21 corporateCidrs WHEN validated THEN the list has too many items", () => {
        const cidrs = Array.from({ length: 21 }, (_, i) => `192.168.${i}.0/24`);
        expectOnly(edit(VPN, "/vpn/corporateCidrs", cidrs), "/vpn/corporateCidrs", "value", "has 21 item(s); expected 1-20 distinct IPv4 networks");
    });

    it("GIVEN corporateCidrs that is one string WHEN validated THEN it must be a list", () => {
        expectOnly(edit(VPN, "/vpn/corporateCidrs", "192.168.0.0/16"), "/vpn/corporateCidrs", "value", 'must be a list, got "192.168.0.0/16"');
    });

    it("GIVEN the same corporate network twice WHEN validated THEN the second entry is reported naming the first", () => {
        const doc = edit(VPN, "/vpn/corporateCidrs", ["192.168.0.0/16", "172.31.0.0/16", "192.168.0.0/16"]);
        expectOnly(doc, "/vpn/corporateCidrs/2", "value", `"192.168.0.0/16" is listed twice (also at /vpn/corporateCidrs/0)`);
    });

    it("GIVEN a corporate network with host bits WHEN validated THEN the entry suggests its network address", () => {
        const doc = edit(VPN, "/vpn/corporateCidrs", ["172.31.0.0/16", "192.168.1.0/16"]);
        expectOnly(doc, "/vpn/corporateCidrs/1", "value", `"192.168.1.0/16" is not a network address: the bits after /16 must be zero (did you mean 192.168.0.0/16?)`);
    });

    it.each([
        ["a leading zero", "192.168.01.0/24"],
        ["no prefix", "192.168.1.0"],
        ["a number", 42],
    ])("GIVEN a corporate network with %s WHEN validated THEN the entry is refused", (_, item) => {
        const doc = edit(VPN, "/vpn/corporateCidrs", ["172.31.0.0/16", item]);
        expectOnly(doc, "/vpn/corporateCidrs/1", "value", typeof item === "number" ? "must be a string, got 42" : `${JSON.stringify(item)} is not valid; expected an IPv4 network in canonical form`);
    });

    it.each([
        ["inside it", "10.20.5.0/24"],
        ["equal to it", "10.20.0.0/16"],
        ["around it", "10.0.0.0/8"],
    ])("GIVEN a corporate network %s network.cidr WHEN validated THEN the entry overlaps the tenant network", (_, cidr) => {
        const doc = edit(VPN, "/vpn/corporateCidrs", ["192.168.0.0/16", cidr]);
        expectOnly(doc, "/vpn/corporateCidrs/1", "value", `"${cidr}" overlaps the tenant network 10.20.0.0/16 (network.cidr)`);
    });

    it.each(["customerGatewayIp", "corporateCidrs"])("GIVEN a vpn section without %s WHEN validated THEN it is required, at the section", (field) => {
        expectOnly(edit(VPN_SYNC, `/vpn/${field}`, undefined), `/vpn/${field}`, atParent("/vpn"), "is required");
    });
});

describe("identity", () => {
    it.each(["corp.acme.com", "CORP.Acme.COM", "ad.acme.local", "a.b"])("GIVEN directoryName %s WHEN validated THEN it passes", (name) => {
        expectValid(edit(VPN_SYNC, "/identity/directoryName", name));
    });

    it.each([
        ["a single label", "corp"],
        ["an empty label", "corp..acme.com"],
        ["a leading hyphen", "-corp.acme.com"],
        ["a trailing dot", "corp.acme.com."],
        ["an underscore", "corp_acme.com"],
        ["a NetBIOS name", "ACME\\CORP"],
        ["nothing", ""],
    ])("GIVEN a directoryName with %s WHEN validated THEN /identity/directoryName is not an FQDN", (_, name) => {
        expectOnly(edit(VPN_SYNC, "/identity/directoryName", name), "/identity/directoryName", "value", "expected the fully qualified name of the customer's Active Directory domain");
    });

    it.each(["xn--bcher-kva.acme.com", "corp--acme.com", "corp.a--b"])(
        "GIVEN directoryName %s (a DNS name, two hyphens in a row) WHEN validated THEN it is refused as AWS Directory Service refuses it",
        (name) => {
            expectOnly(edit(VPN_SYNC, "/identity/directoryName", name), "/identity/directoryName", "value", `"${name}" has two hyphens in a row, which AWS Directory Service refuses`);
        },
    );

    it("GIVEN 20 corporate networks and a DNS server outside them WHEN validated THEN the message names the networks up to 200 characters and counts the rest", () => {
        const corporate = Array.from({ length: 20 }, (_, i) => `172.${16 + i}.128.0/17`);
        const problem = expectOnly(edit(edit(VPN_SYNC, "/vpn/corporateCidrs", corporate), "/identity/dnsIps", ["172.16.128.10", "192.168.10.10"]), "/identity/dnsIps/1", "value", `"192.168.10.10" is not inside any of vpn.corporateCidrs (172.16.128.0/17, 172.17.128.0/17, `);
        const named = /\((.*), and (\d+) more\)/.exec(problem.message)!;
        expect(named[1]!.length).toBeLessThanOrEqual(200);
        expect(named[1]!.split(", ").length + Number(named[2])).toBe(20);
    });

    it.each([
        ["one in each corporate network", ["192.168.10.10", "10.200.0.53"]],
        ["both in the first", ["192.168.10.10", "192.168.10.11"]],
    ])("GIVEN dnsIps %s WHEN validated THEN it passes", (_, ips) => {
        expectValid(edit(VPN_SYNC, "/identity/dnsIps", ips));
    });

    it.each([
        [1, ["192.168.10.10"]],
        [3, ["192.168.10.10", "192.168.10.11", "192.168.10.12"]],
        [0, []],
    ])("GIVEN %d dnsIps WHEN validated THEN /identity/dnsIps needs exactly 2", (count, ips) => {
        expectOnly(edit(VPN_SYNC, "/identity/dnsIps", ips), "/identity/dnsIps", "value", `has ${count} item(s); expected exactly 2 distinct IPv4 addresses`);
    });

    it("GIVEN the same DNS server twice WHEN validated THEN the second is reported as listed twice", () => {
        expectOnly(edit(VPN_SYNC, "/identity/dnsIps", ["192.168.10.10", "192.168.10.10"]), "/identity/dnsIps/1", "value", `"192.168.10.10" is listed twice`);
    });

    it.each([
        ["outside every corporate network", "172.16.0.10"],
        ["inside network.cidr but not a corporate network", "10.40.0.10"],
    ])("GIVEN a DNS server %s WHEN validated THEN it must be inside vpn.corporateCidrs", (_, ip) => {
        expectOnly(edit(VPN_SYNC, "/identity/dnsIps", ["192.168.10.10", ip]), "/identity/dnsIps/1", "value", `"${ip}" is not inside any of vpn.corporateCidrs (192.168.0.0/16, 10.200.0.0/16)`);
    });

    it.each([
        ["a leading zero", "192.168.010.10"],
        ["a prefix", "192.168.10.10/32"],
        ["a host name", "dc1.corp.acme.com"],
    ])("GIVEN a DNS server with %s WHEN validated THEN the entry is not a canonical IPv4 address", (_, ip) => {
        expectOnly(edit(VPN_SYNC, "/identity/dnsIps", ["192.168.10.10", ip]), "/identity/dnsIps/1", "value", `${JSON.stringify(ip)} is not valid; expected an IPv4 address in canonical form`);
    });

    it.each(["svc-itm", "svc.itm_2", "a", "A".repeat(64), "SVC-ITM"])("GIVEN serviceAccount %s WHEN validated THEN it passes", (account) => {
        expectValid(edit(VPN_SYNC, "/identity/serviceAccount", account));
    });

    it.each([
        ["nothing", ""],
        ["a space", "svc itm"],
        ["a domain prefix", "ACME\\svc-itm"],
        ["a UPN", "svc-itm@corp.acme.com"],
        ["65 characters", "a".repeat(65)],
    ])("GIVEN a serviceAccount with %s WHEN validated THEN /identity/serviceAccount is not a user name", (_, account) => {
        expectOnly(edit(VPN_SYNC, "/identity/serviceAccount", account), "/identity/serviceAccount", "value", "expected the directory service account's user name only (1-64 of A-Z a-z 0-9 . _ -)");
    });

    it.each(["directoryName", "dnsIps", "serviceAccount"])("GIVEN an identity section without %s WHEN validated THEN it is required", (field) => {
        expectOnly(edit(VPN_SYNC, `/identity/${field}`, undefined), `/identity/${field}`, atParent("/identity"), "is required");
    });
});

describe("compute, database, security and backup", () => {
    it.each([
        ["/compute/instances", 1],
        ["/compute/instances", 10],
        ["/compute/volumeGiB", 20],
        ["/compute/volumeGiB", 16384],
        ["/compute/instanceType", "t3.medium"],
        ["/compute/instanceType", "c7gn.16xlarge"],
        ["/compute/instanceType", "u-6tb1.metal"],
        ["/database/storageGiB", 20],
        ["/database/storageGiB", 65536],
        ["/database/instanceClass", "db.t4g.medium"],
        ["/database/instanceClass", "db.r6i.24xlarge"],
        ["/security/passwordMinLength", 10],
        ["/security/passwordMinLength", 128],
        ["/backup/offsiteRegion", "eu-west-2"],
        ["/backup/offsiteRegion", "us-east-1"],
    ])("GIVEN %s = %s WHEN validated THEN it passes", (pointer, value) => {
        expectValid(edit(VPN_SYNC, pointer, value));
    });

    it.each([
        ["/compute/instances", 0, "from 1 to 10"],
        ["/compute/instances", 11, "from 1 to 10"],
        ["/compute/volumeGiB", 19, "from 20 to 16384"],
        ["/compute/volumeGiB", 16385, "from 20 to 16384"],
        ["/database/storageGiB", 19, "from 20 to 65536"],
        ["/database/storageGiB", 65537, "from 20 to 65536"],
        ["/security/passwordMinLength", 9, "from 10 to 128"],
        ["/security/passwordMinLength", 129, "from 10 to 128"],
    ])("GIVEN %s = %d WHEN validated THEN it is out of range (%s)", (pointer, value, range) => {
        expectOnly(edit(VPN_SYNC, pointer, value), pointer, "value", `${value} is out of range; expected`);
        expect(check(edit(VPN_SYNC, pointer, value)).problems[0]!.message).toContain(range);
    });

    it.each([
        ["/compute/instances", 1.5, "got 1.5"],
        ["/compute/instances", "2", 'got "2"'],
        ["/compute/volumeGiB", "100GiB", 'got "100GiB"'],
        ["/database/storageGiB", 100.25, "got 100.25"],
        ["/security/passwordMinLength", "14", 'got "14"'],
        ["/security/passwordMinLength", true, "got true"],
    ])("GIVEN %s = %j WHEN validated THEN it must be a whole number", (pointer, value, got) => {
        expectOnly(edit(VPN_SYNC, pointer, value), pointer, "value", `must be a whole number, ${got}`);
    });

    it.each([
        ["/compute/instanceType", "M6I.large", "an EC2 instance type name"],
        ["/compute/instanceType", "large", "an EC2 instance type name"],
        ["/compute/instanceType", "m6i.", "an EC2 instance type name"],
        ["/compute/instanceType", "m6i large", "an EC2 instance type name"],
        ["/database/instanceClass", "m6g.large", "an RDS instance class name"],
        ["/database/instanceClass", "db.M6g.large", "an RDS instance class name"],
        ["/database/instanceClass", "db.m6g", "an RDS instance class name"],
    ])("GIVEN %s = %s WHEN validated THEN it is not a valid name", (pointer, value, what) => {
        expectOnly(edit(VPN_SYNC, pointer, value), pointer, "value", `${JSON.stringify(value)} is not valid; expected ${what}`);
    });

    it("GIVEN an instance type longer than 32 characters WHEN validated THEN it is too long", () => {
        expectOnly(edit(VPN_SYNC, "/compute/instanceType", `m6i.${"x".repeat(29)}`), "/compute/instanceType", "value", "is too long (33 characters)");
    });

    it("GIVEN an off-site region equal to the tenant's region WHEN validated THEN /backup/offsiteRegion must differ", () => {
        expectOnly(edit(VPN_SYNC, "/backup/offsiteRegion", "eu-west-1"), "/backup/offsiteRegion", "value", `"eu-west-1" is the tenant's own region; off-site copies must live in another region`);
    });

    it.each(["cn-north-1", "us-gov-west-1", "eu-west-9"])("GIVEN off-site region %s WHEN validated THEN /backup/offsiteRegion is not an offered region", (region) => {
        expectOnly(edit(VPN_SYNC, "/backup/offsiteRegion", region), "/backup/offsiteRegion", "value", `"${region}" is not allowed`);
    });

    it.each(["security", "backup"])("GIVEN a saas tenant with a %s section WHEN validated THEN it passes", (section) => {
        expectValid(edit(SAAS, `/${section}`, VPN_SYNC[section]!));
    });
});

describe("unknown keys", () => {
    it.each([
        ["/enviroment", "demo", "environment"],
        ["/regoin", "eu-west-1", "region"],
        ["/Tenant", "acme", "tenant"],
        ["/network/cidrs", "10.20.0.0/16", "cidr"],
        ["/vpn/bgpASN", 65010, "bgpAsn"],
        ["/vpn/customerGatewayIP", "81.2.69.142", "customerGatewayIp"],
        ["/identity/serviceAcount", "svc", "serviceAccount"],
        ["/compute/instance", 2, "instances"],
        ["/database/storageGb", 100, "storageGiB"],
        ["/security/passwordMinLenght", 14, "passwordMinLength"],
        ["/backup/offsiteregion", "eu-west-2", "offsiteRegion"],
    ])("GIVEN the misspelt field %s WHEN validated THEN it is unknown, at its key, suggesting %s", (pointer, value, suggestion) => {
        const key = pointer.split("/").pop()!;
        expectOnly(edit(VPN_SYNC, pointer, value), pointer, "key", `unknown field "${key}" (did you mean "${suggestion}"?); allowed here:`);
    });

    it("GIVEN a misspelt field alone in domain WHEN validated THEN it is unknown, suggesting subdomain", () => {
        expectOnly(edit(CLOUD, "/domain", { subdomian: "acme" }), "/domain/subdomian", "key", 'unknown field "subdomian" (did you mean "subdomain"?); allowed here: subdomain, own');
    });

    it("GIVEN an unknown field that resembles nothing WHEN validated THEN no suggestion is made and the allowed fields are listed", () => {
        const problem = expectOnly(edit(VPN_SYNC, "/colour", "blue"), "/colour", "key", 'unknown field "colour"; allowed here: tenant, company, mode, region, environment, status, domain');
        expect(problem.message).not.toContain("did you mean");
    });

    it("GIVEN an unknown field in a nested section WHEN validated THEN the allowed fields are those of the section", () => {
        expectOnly(edit(VPN_SYNC, "/compute/cpu", 4), "/compute/cpu", "key", 'unknown field "cpu"; allowed here: instanceType, instances, volumeGiB');
    });
});

describe("secret-looking keys", () => {
    const SECRET = "hunter2-Sup3rS3cret";
    it.each([
        "/adminPassword",
        "/VPN_PSK",
        "/password",
        "/passwd",
        "/secret",
        "/token",
        "/privateKey",
        "/psk",
        "/presharedKey",
        "/credentials",
        "/DB_PASSWORD",
        "/vpn/presharedKey",
        "/vpn/tunnel1Psk",
        "/vpn/tunnel-psk",
        "/identity/serviceAccountPassword",
        "/identity/PASSWORD",
        "/compute/sshPrivateKey",
        "/security/adminToken",
        "/backup/encryption-secret",
        "/network/vpnSecret",
    ])("GIVEN the secret-looking field %s WHEN validated THEN it is a secret error at its key, not an unknown field, and the value is never shown", (pointer) => {
        const doc = edit(VPN_SYNC, pointer, SECRET);
        const { rendered, problems } = check(doc);
        expect(problems).toEqual([
            {
                file: "acme.yaml",
                ...rendered.key(pointer),
                path: pointer,
                message: expect.stringContaining("secret-looking fields are not allowed in tenant files; secrets live in Pulumi stack config"),
            },
        ]);
        expect(JSON.stringify(problems)).not.toContain("hunter2");
    });

    it("GIVEN a secret-looking field holding a mapping WHEN validated THEN only the field is reported, nothing below it", () => {
        const doc = edit(VPN_SYNC, "/vpn/credentials", { user: "admin", pass: SECRET, colour: "blue" });
        const problem = expectOnly(doc, "/vpn/credentials", "key", "secret-looking fields are not allowed");
        expect(problem.message).not.toContain("hunter2");
    });

    it("GIVEN a secret-looking field inside a list entry WHEN validated THEN it is found and its value is not shown", () => {
        const text = `${render(edit(VPN, "/vpn/corporateCidrs", undefined)).text}  corporateCidrs:\n    - 192.168.0.0/16\n    - token: ${SECRET}\n`;
        const lines = text.split("\n");
        const line = lines.findIndex((l) => l.includes("token:")) + 1;
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(problems).toContainEqual({ file: "acme.yaml", line, column: 7, path: "/vpn/corporateCidrs/1/token", message: expect.stringContaining("secret-looking fields are not allowed") });
        expect(problems.some((problem) => problem.message.includes("unknown field"))).toBe(false);
        expect(JSON.stringify(problems)).not.toContain("hunter2");
    });

    it("GIVEN several secret-looking fields in every spelling WHEN validated THEN each is reported and no value appears in any message", () => {
        const values: Record<string, string> = {
            "/Password": "v4lue-0ne-Zz9!xx",
            "/my_passwd": "v4lue-tw0-Zz9!xx",
            "/SECRET": "v4lue-thr33-Zz9!",
            "/apiToken": "v4lue-f0ur-Zz9!x",
            "/ssh-private-key": "v4lue-f1ve-Zz9!x",
            "/ipsec.psk": "v4lue-s1x-Zz9!xx",
            "/PreSharedKey": "v4lue-s3ven-Zz9!",
            "/awsCredentials": "v4lue-e1ght-Zz9!",
        };
        const doc = edits(SAAS, values);
        const { rendered, problems } = check(doc);
        expect(problems.map((problem) => [problem.path, problem.line, problem.column])).toEqual(
            Object.keys(values).map((pointer) => [pointer, rendered.key(pointer).line, rendered.key(pointer).column]),
        );
        for (const problem of problems) {
            expect(problem.message).toContain("secret-looking fields are not allowed");
            for (const value of Object.values(values)) {
                expect(formatProblem(problem)).not.toContain(value);
            }
        }
    });

    it.each([
        ["/tokenLifetime", 5],
        ["/secretary", "Jane"],
        ["/passwordPolicy", "strict"],
    ])("GIVEN %s, which only starts with a secret-like word WHEN validated THEN it is an ordinary unknown field", (pointer, value) => {
        expectOnly(edit(SAAS, pointer, value), pointer, "key", `unknown field "${pointer.slice(1)}"`);
    });

    it("GIVEN passwordMinLength, a real field containing 'password' WHEN validated THEN it passes", () => {
        expectValid(edit(SAAS, "/security", { passwordMinLength: 20 }));
    });

    it("GIVEN a value that looks like an access key in an ordinary field WHEN refused THEN the message does not quote it", () => {
        const key = "AKIAIOSFODNN7EXAMPLE";
        const problem = expectOnly(edit(SAAS, "/region", key), "/region", "value", "(a value that looks like a secret, not shown) is not allowed");
        expect(problem.message).not.toContain(key);
    });

    it("GIVEN a generated-looking token in an ordinary field WHEN refused THEN the message does not quote it", () => {
        const token = "xK9#mP2$vL8@qR4!wN7^zT";
        const problem = expectOnly(edit(VPN_SYNC, "/identity/serviceAccount", token), "/identity/serviceAccount", "value", "(a value that looks like a secret, not shown) is not valid");
        expect(problem.message).not.toContain(token);
    });

    it("GIVEN a secret-looking key nested deeper than 64 levels WHEN validated THEN it is still reported as a secret (contract: at any depth)", () => {
        const text = `${render(SAAS).text}x: ${"[".repeat(70)}{token: ${SECRET}}${"]".repeat(70)}\n`;
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(JSON.stringify(problems)).not.toContain("hunter2");
        expect(problems.some((problem) => problem.path.endsWith("/token") && problem.message.includes("secret-looking fields are not allowed"))).toBe(true);
    });

    it("GIVEN an unknown key that itself looks like an AWS access key id WHEN validated THEN the message does not echo it", () => {
        const key = "AKIAIOSFODNN7EXAMPLE";
        const { problems } = check(edit(SAAS, `/${key}`, "wJalrXUtnFEMI"));
        expect(problems).toHaveLength(1);
        expect(problems[0]!.message).not.toContain(key);
    });

    it("GIVEN two unknown keys that look like secrets, one nested WHEN validated THEN each is reported at its own key, under its section's path, without its name", () => {
        const first = "Zx9Kq2Lm8Np4Rt6Vw1Yb3Cd5";
        const second = "Ab9Kq2Lm8Np4Rt6Vw1Yb3Cd5";
        const text = `tenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\n${first}: 1\nsecurity:\n  passwordMinLength: 14\n  ${first}: 2\n${second}: 3\n`;
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(problems.map(({ line, column, path }) => ({ line, column, path }))).toEqual([
            { line: 5, column: 1, path: "/" },
            { line: 8, column: 3, path: "/security" },
            { line: 9, column: 1, path: "/" },
        ]);
        expect(problems.every((problem) => problem.message.startsWith("has an unknown field whose name looks like a secret (not shown)"))).toBe(true);
        expect(JSON.stringify(problems)).not.toMatch(/[ZA]b?x?9Kq2/);
    });
});

describe("long values", () => {
    it.each([
        ["/region", `eu-west-1${"x".repeat(300)}`],
        ["/tenant", `a${"b".repeat(300)}`],
        ["/domain/subdomain", `a${"b".repeat(300)}`],
        ["/network/cidr", `10.20.0.0/16${"0".repeat(300)}`],
    ])("GIVEN %s with a value of over 300 characters WHEN refused THEN the message quotes at most 200 of them", (pointer, value) => {
        const { problems } = check(edit(CLOUD, pointer, value), "acme.yaml");
        const problem = problems.find((p) => p.path === pointer);
        expect(problem).toBeDefined();
        expect(problem!.message).toContain(`"${value.slice(0, 200)}...`);
        expect(problem!.message).not.toContain(value.slice(0, 201));
    });

    it("GIVEN an unknown key of 300 characters WHEN refused THEN the message quotes only its start", () => {
        const key = "k".repeat(300);
        const { problems } = check(edit(SAAS, `/${key}`, 1));
        expect(problems).toHaveLength(1);
        expect(problems[0]!.message).toContain("unknown field");
        expect(problems[0]!.message).not.toContain("k".repeat(201));
    });
});

// ---------------------------------------------------------------------------------------------
// Hostile and malformed files.

const VALID_TEXT = render(VPN_SYNC).text;
const PROBLEM_LINE = /^acme\.yaml:[1-9][0-9]*:[1-9][0-9]*: \/[^ ]*: \S.*$/s;

function billionLaughs(): string {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, previous] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"], ["f", "e"], ["g", "f"], ["h", "g"], ["i", "h"]]) {
        lines.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(",")}]`);
    }
    return `${lines.join("\n")}\n`;
}

interface Hostile {
    readonly name: string;
    readonly bytes: Buffer;
    readonly line: number;
    readonly column: number;
    readonly path?: string;
    readonly message: string;
}

const HOSTILE: Hostile[] = [
    { name: "an empty file", bytes: Buffer.alloc(0), line: 1, column: 1, message: "the file is empty" },
    { name: "only white space", bytes: Buffer.from("\n   \n\n"), line: 1, column: 1, message: "the file is empty" },
    { name: "only comments", bytes: Buffer.from("# yaml-language-server: $schema=./tenant.schema.json\n# tenant: acme\n"), line: 1, column: 1, message: "only comments" },
    { name: "a list at the top", bytes: Buffer.from("- tenant: acme\n- company: ACME\n"), line: 1, column: 1, message: "the document is a list; a tenant file is a mapping of fields" },
    { name: "a scalar at the top", bytes: Buffer.from("# header\nacme\n"), line: 2, column: 1, message: "the document is a single value; a tenant file is a mapping" },
    { name: "null at the top", bytes: Buffer.from("null\n"), line: 1, column: 1, message: "the document is null" },
    { name: "~ at the top", bytes: Buffer.from("~\n"), line: 1, column: 1, message: "the document is null" },
    { name: "two documents", bytes: Buffer.from(`${VALID_TEXT}---\ntenant: globex\n`), line: VALID_TEXT.split("\n").length, column: 1, message: "the file holds 2 YAML documents; a tenant file is exactly one" },
    { name: "an unclosed flow list", bytes: Buffer.from("tenant: acme\ncompany: [ACME\nmode: saas\n"), line: 3, column: 1, message: "YAML syntax error: " },
    { name: "an unterminated quote", bytes: Buffer.from('tenant: acme\ncompany: "ACME\nmode: saas\n'), line: 4, column: 1, message: 'YAML syntax error: Missing closing "quote' },
    { name: "tab indentation", bytes: Buffer.from("tenant: acme\nsecurity:\n\tpasswordMinLength: 14\n"), line: 3, column: 1, message: "tabs are not allowed for indentation" },
    { name: "a bad indentation", bytes: Buffer.from("tenant: acme\n  company: ACME\n"), line: 1, column: 9, message: "YAML syntax error: " },
    { name: "a duplicate key", bytes: Buffer.from("tenant: acme\ncompany: ACME\ntenant: acme\n"), line: 3, column: 1, path: "/tenant", message: "duplicate key: each field may appear only once" },
    { name: "a duplicate nested key", bytes: Buffer.from("tenant: acme\nnetwork:\n  cidr: 10.20.0.0/16\n  cidr: 10.21.0.0/16\n"), line: 4, column: 3, path: "/network/cidr", message: "duplicate key" },
    { name: "a duplicate key in a list's mapping", bytes: Buffer.from("tenant: acme\nvpn:\n  corporateCidrs:\n    - {x: 1, x: 2}\n"), line: 4, column: 14, path: "/vpn/corporateCidrs/0/x", message: "duplicate key" },
    { name: "a duplicate secret-looking key", bytes: Buffer.from("tenant: acme\napiToken: a\napiToken: b\n"), line: 3, column: 1, message: "duplicate key" },
    { name: "a %YAML 1.1 directive", bytes: Buffer.from("# a tenant\n%YAML 1.1\n---\ntenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\nsecurity:\n  passwordMinLength: 0100\n"), line: 2, column: 1, message: "the file declares %YAML 1.1; a tenant file is YAML 1.2" },
    { name: "a merge key", bytes: Buffer.from("base: &base\n  mode: saas\n<<: *base\ntenant: acme\n"), line: 3, column: 1, path: "/<<", message: "merge keys (<<) are not allowed" },
    { name: "a nested merge key", bytes: Buffer.from("base: &base\n  cidr: 10.20.0.0/16\nnetwork:\n  <<: *base\n"), line: 4, column: 3, path: "/network/<<", message: "merge keys (<<) are not allowed" },
    { name: "a %YAML 1.1 directive after a comment that mentions one", bytes: Buffer.from("# not %YAML 1.2? then not here\n%YAML 1.1\n---\ntenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\n"), line: 2, column: 1, message: "the file declares %YAML 1.1" },
    { name: "%YAML 1.1 then %YAML 1.2", bytes: Buffer.from("%YAML 1.1\n%YAML 1.2\n---\ntenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\nsecurity:\n  passwordMinLength: 0100\n"), line: 2, column: 1, message: "the file declares %YAML 2 times; a YAML document has one %YAML directive at most" },
    { name: "%YAML 1.2 twice", bytes: Buffer.from("%YAML 1.2\n# again\n%YAML 1.2\n---\ntenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\n"), line: 3, column: 1, message: "the file declares %YAML 2 times" },
    { name: "a list as a key", bytes: Buffer.from("tenant: acme\ncompany: ACME\n? [a, b]\n: c\n"), line: 3, column: 3, message: "a key here is a list; every key is a field name" },
    { name: "a mapping as a nested key", bytes: Buffer.from("tenant: acme\nsecurity:\n  ? {a: 1}\n  : c\n"), line: 3, column: 5, path: "/security", message: "a key here is a mapping; every key is a field name" },
    { name: "a null key", bytes: Buffer.from("tenant: acme\ncompany: ACME\n~: x\n"), line: 3, column: 1, message: "a key here is empty (null); every key is a field name" },
    { name: "an empty key", bytes: Buffer.from("tenant: acme\ncompany: ACME\nsecurity: {: 14}\n"), line: 3, column: 0, path: "/security", message: "a key here is empty (null)" },
    { name: "an empty quoted key", bytes: Buffer.from('tenant: acme\ncompany: ACME\n"": x\n'), line: 3, column: 1, message: 'a key here is empty (""); every key is a field name' },
    { name: "an empty quoted nested key", bytes: Buffer.from("tenant: acme\ncompany: ACME\nsecurity:\n  '': 14\n"), line: 4, column: 3, path: "/security", message: 'a key here is empty ("")' },
    { name: "an alias as a key", bytes: Buffer.from("x: &k company\ntenant: acme\n*k : ACME\n"), line: 3, column: 1, message: "a key here is an alias; every key is a field name" },
    { name: "a custom tag", bytes: Buffer.from("tenant: !foo acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\n"), line: 1, column: 14, path: "/tenant", message: "the YAML tag !foo is not allowed" },
    { name: "a !!binary tag", bytes: Buffer.from("tenant: acme\ncompany: !!binary QUNNRQ==\nmode: saas\nregion: eu-west-1\n"), line: 2, column: 19, path: "/company", message: "the YAML tag !!binary is not allowed" },
    { name: "a !!set tag", bytes: Buffer.from("tenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\nsecurity: !!set {a, b}\n"), line: 5, column: 17, path: "/security", message: "the YAML tag !!set is not allowed" },
    { name: "a !!int tag on text", bytes: Buffer.from("tenant: acme\ncompany: !!int ACME\nmode: saas\nregion: eu-west-1\n"), line: 2, column: 16, path: "/company", message: "the YAML tag !!int does not fit this value" },
    { name: "a !!bool tag on a mode", bytes: Buffer.from("tenant: acme\ncompany: ACME\nmode: !!bool saas\nregion: eu-west-1\n"), line: 3, column: 14, path: "/mode", message: "the YAML tag !!bool does not fit this value" },
    { name: "a !!str tag on a mapping", bytes: Buffer.from("tenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\nsecurity: !!str\n  passwordMinLength: 14\n"), line: 6, column: 3, path: "/security", message: "the YAML tag !!str does not fit this value" },
    { name: "a billion laughs", bytes: Buffer.from(billionLaughs()), line: 2, column: 8, message: "anchors and aliases expand beyond the limit of 100 nodes" },
    { name: "a deeply nested flow list", bytes: Buffer.from(`tenant: ${"[".repeat(30000)}${"]".repeat(30000)}\n`), line: 1, column: 0, message: "nested too deeply" },
    { name: "a deeply nested flow mapping", bytes: Buffer.from(`tenant: ${"{a: ".repeat(6000)}1${"}".repeat(6000)}\n`), line: 1, column: 0, message: "nested too deeply" },
    { name: "deeply nested block lists", bytes: Buffer.from(`tenant: acme\nx:\n${"- ".repeat(20000)}x\n`), line: 3, column: 0, message: "nested too deeply" },
    { name: "a file over 64 KiB", bytes: Buffer.from(`${VALID_TEXT}#${"x".repeat(64 * 1024)}\n`), line: 1, column: 1, message: `bytes; a tenant file may be at most 65536 bytes (64 KiB)` },
    { name: "binary junk (a PNG header)", bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), line: 1, column: 1, message: "the file is not valid UTF-8 (byte 0x89)" },
    { name: "invalid UTF-8 mid-line", bytes: Buffer.concat([Buffer.from("tenant: acme\ncompany: AC"), Buffer.from([0xc3, 0x28]), Buffer.from("ME\n")]), line: 2, column: 12, message: "the file is not valid UTF-8 (byte 0xc3)" },
    { name: "an overlong UTF-8 encoding", bytes: Buffer.concat([Buffer.from("tenant: "), Buffer.from([0xc0, 0xaf]), Buffer.from("\n")]), line: 1, column: 9, message: "not valid UTF-8 (byte 0xc0)" },
    { name: "an encoded UTF-16 surrogate", bytes: Buffer.concat([Buffer.from("tenant: acme\n"), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from("\n")]), line: 2, column: 1, message: "not valid UTF-8 (byte 0xed)" },
    { name: "invalid UTF-8 after a BOM", bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("tenant: "), Buffer.from([0xff]), Buffer.from("\n")]), line: 1, column: 9, message: "the file is not valid UTF-8 (byte 0xff)" },
    { name: "invalid UTF-8 after accented letters", bytes: Buffer.concat([Buffer.from("tenant: acme\ncompany: Société "), Buffer.from([0xff]), Buffer.from("\n")]), line: 2, column: 18, message: "the file is not valid UTF-8 (byte 0xff)" },
    { name: "invalid UTF-8 in a file of carriage returns", bytes: Buffer.concat([Buffer.from("tenant: acme\rcompany: AC"), Buffer.from([0xff]), Buffer.from("\r")]), line: 2, column: 12, message: "the file is not valid UTF-8 (byte 0xff)" },
    { name: "Latin-1 text", bytes: Buffer.from("tenant: acme\ncompany: Soci\xe9t\xe9\n", "latin1"), line: 2, column: 14, message: "not valid UTF-8 (byte 0xe9)" },
    { name: "UTF-16 LE with a BOM", bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("tenant: acme\n", "utf16le")]), line: 1, column: 1, message: "the file is UTF-16; save it as UTF-8" },
    { name: "UTF-16 BE with a BOM", bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("tenant: acme\n", "utf16le").swap16()]), line: 1, column: 1, message: "the file is UTF-16; save it as UTF-8" },
    { name: "UTF-16 LE without a BOM", bytes: Buffer.from("tenant: acme\n", "utf16le"), line: 1, column: 2, message: "the control character U+0000" },
    { name: "a NUL byte", bytes: Buffer.from("tenant: acme\ncomp\u0000any: ACME\n"), line: 2, column: 5, message: "the file contains the control character U+0000; a tenant file is plain text" },
    { name: "an escape character", bytes: Buffer.from("tenant: acme\ncompany: \u001b[31mACME\n"), line: 2, column: 10, message: "the control character U+001B" },
];

describe("hostile and malformed files", () => {
    it.each(HOSTILE.map((hostile) => [hostile.name, hostile] as const))(
        "GIVEN %s WHEN validated THEN it yields positioned problems of the contract's shape and no document",
        (_, hostile) => {
            const result = validateTenantFile("acme.yaml", hostile.bytes);
            expect(result.document).toBeUndefined();
            expect(result.problems.length).toBeGreaterThan(0);
            for (const problem of result.problems) {
                expect(formatProblem(problem)).toMatch(PROBLEM_LINE);
                expect(Number.isInteger(problem.line) && Number.isInteger(problem.column)).toBe(true);
            }
            // A problem that leaves the data readable (a key twice, a tag) comes with the file's others.
            const first = result.problems.find((problem) => problem.message.includes(hostile.message)) ?? result.problems[0]!;
            expect(first.message).toContain(hostile.message);
            expect(first.path).toBe(hostile.path ?? "/");
            expect(first.line).toBe(hostile.line);
            // Column 0 in the table: anywhere on the line (deep nesting is reported where the parser gave up).
            // A tag problem points at the tagged value, just after the tag.
            if (hostile.column > 0) {
                expect(first.column).toBe(hostile.column);
            }
        },
    );

    it.each([
        ["a key given twice", "company: Initech\n", "/company", "duplicate key: each field may appear only once"],
        ["a second document", "---\n{}\n", "/", "the file holds 2 YAML documents; a tenant file is exactly one"],
        ["a custom tag", "", "/company", "the YAML tag !foo is not allowed"],
        ["a merge key", "<<: {mode: saas}\n", "/<<", "merge keys (<<) are not allowed"],
    ])("GIVEN %s in a file with other mistakes WHEN validated THEN every mistake is reported, the YAML's once", (_, extra, path, message) => {
        const text = `tenant: acme\ncompany: ${path === "/company" && extra === "" ? "!foo " : ""}ACME\nmode: cloud\nregion: eu-west-9\ndomain:\n  subdomain: acme\nnetwork:\n  cidr: 10.1.0.0/16\nsecurity:\n  passwordMinLength: 5\n${extra}`;
        const { problems, document } = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(document).toBeUndefined();
        expect(problems.map((problem) => problem.path).sort()).toEqual(["/network/cidr", "/region", "/security/passwordMinLength", path].sort());
        expect(problems.find((problem) => problem.path === path)!.message).toContain(message);
        expect(problems.filter((problem) => problem.path === path)).toHaveLength(1);
    });

    it("GIVEN the bytes of a file over 64 KiB cut at the limit WHEN validated with its real size THEN the size is refused", () => {
        const bytes = Buffer.from(VALID_TEXT);
        const { problems } = validateTenantFile("acme.yaml", bytes, 100_000);
        expect(problems).toEqual([{ file: "acme.yaml", line: 1, column: 1, path: "/", message: expect.stringContaining("the file is 100000 bytes; a tenant file may be at most 65536 bytes") }]);
    });

    // The contract's "well under a second whatever it contains" is measured by the bench
    // (`npm run bench -- --tasks hostile`); here, that the one-pass search finds what the parser's did.
    it.each([
        ["fields, each unknown", (key: string) => `${key}: 1\n`, "", 0],
        ["a flow mapping's keys", (key: string) => `${key}, `, "x: {", 0],
        ["a flow mapping's keys, each given twice", (key: string) => `${key}, ${key}, `, "x: {", 1],
    ])("GIVEN 64 KiB of %s WHEN validated THEN every second occurrence of a key is a duplicate at its own column", (_, entry, opening, repeats) => {
        const names = Array.from({ length: 26 ** 3 }, (__, i) => [676, 26, 1].map((unit) => String.fromCharCode(97 + (Math.floor(i / unit) % 26))).join(""));
        const head = `tenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\n${opening}`;
        let text = head;
        const used: string[] = [];
        for (const name of names) {
            if (text.length + entry(name).length > 64 * 1024 - 4) {
                break;
            }
            text += entry(name);
            used.push(name);
        }
        text += opening === "" ? "" : "}\n";
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(text));
        const duplicates = problems.filter((problem) => problem.message.startsWith("duplicate key"));
        expect(duplicates).toHaveLength(used.length * repeats);
        if (repeats > 0) {
            const line = head.split("\n").length;
            const columnOf = (i: number): number => head.length - head.lastIndexOf("\n") + i * entry("aaa").length + "aaa, ".length;
            expect(duplicates[0]).toMatchObject({ line, column: columnOf(0), path: `/x/${used[0]}` });
            expect(duplicates.at(-1)).toMatchObject({ line, column: columnOf(used.length - 1), path: `/x/${used.at(-1)}` });
        }
    });

    it("GIVEN a valid file padded with a comment to exactly 64 KiB WHEN validated THEN it passes", () => {
        const padding = 64 * 1024 - Buffer.byteLength(VALID_TEXT) - 2;
        const bytes = Buffer.from(`${VALID_TEXT}#${"x".repeat(padding)}\n`);
        expect(bytes.length).toBe(64 * 1024);
        expect(validateTenantFile("acme.yaml", bytes).problems).toEqual([]);
    });

    it("GIVEN a small honest alias (the tenant id reused as subdomain) WHEN validated THEN it passes", () => {
        const text = "tenant: &id acme\ncompany: ACME\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  subdomain: *id\n";
        const result = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(result.problems).toEqual([]);
        expect(result.document?.domain).toEqual({ subdomain: "acme" });
    });

    it("GIVEN an alias whose value breaks a rule WHEN validated THEN the problem points at the alias", () => {
        const text = "tenant: &id app\ncompany: ACME\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  subdomain: *id\n";
        const { problems } = validateTenantFile("app.yaml", Buffer.from(text));
        expect(problems).toEqual([{ file: "app.yaml", line: 6, column: 14, path: "/domain/subdomain", message: expect.stringContaining('"app" is reserved for the platform') }]);
    });

    it("GIVEN an alias to an anchor that does not exist WHEN validated THEN it is a positioned problem that does not blame expansion", () => {
        const text = "tenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\nsecurity:\n  passwordMinLength: *nope\n";
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(problems).toHaveLength(1);
        expect(formatProblem(problems[0]!)).toMatch(/^acme\.yaml:6:22: \//);
        expect(problems[0]!.message).not.toContain("expand beyond the limit");
    });

    it.each([
        ["a tag", "company: !ghp_16C7e42F292c6912E7710c838347Ae178B4a ACME\n", "the YAML tag (a tag that looks like a secret, not shown) is not allowed"],
        ["an alias", "company: *ghp_16C7e42F292c6912E7710c838347Ae178B4a\n", "an alias refers to an anchor that does not exist; write the value out"],
        ["a tag handle", "company: !ghp_16C7e42F292c6912E7710c838347Ae178B4a!x ACME\n", "YAML syntax error: (the parser's message quotes text that looks like a secret, not shown)"],
    ])("GIVEN %s named like a secret WHEN validated THEN the message does not echo the name", (_, line, message) => {
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(`tenant: acme\n${line}mode: saas\nregion: eu-west-1\n`));
        expect(problems.some((problem) => problem.message.startsWith(message))).toBe(true);
        expect(JSON.stringify(problems)).not.toContain("ghp_16C7");
    });

    it.each([
        ["a secret-looking directive", "%ghp_16C7e42F292c6912E7710c838347Ae178B4a x", "YAML syntax error: (the parser's message quotes text that looks like a secret, not shown)"],
        ["a directive of 500 characters", `%${"x".repeat(500)}`, `YAML syntax error: Unknown directive %${"x".repeat(200 - "Unknown directive %".length)}...`],
        ["a directive with a right-to-left override", "%FOO\u202eBAR", "YAML syntax error: Unknown directive %FOO\\u202eBAR"],
        ["a YAML version of 400 digits", `%YAML 1.${"9".repeat(400)}`, `YAML syntax error: Unsupported YAML version 1.${"9".repeat(200 - "Unsupported YAML version 1.".length)}...`],
    ])("GIVEN %s WHEN validated THEN the syntax error quotes at most 200 characters of it, escaped, and nothing secret-looking", (_, directive, message) => {
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(`${directive}\n---\ntenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\n`));
        expect(problems).toEqual([{ file: "acme.yaml", line: 1, column: expect.any(Number), path: "/", message }]);
    });

    it("GIVEN a key that reads as mode but holds a Cyrillic о, and one with a right-to-left override WHEN validated THEN each names its character, and the printed path escapes the override", () => {
        const text = "tenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\nsecurity:\n  m\u043ede: 1\n  pass\u202ewordMinLength: 14\n";
        const { problems } = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(problems.map((problem) => problem.message)).toEqual([
            expect.stringContaining('unknown field "m\u043ede" (it has the character U+043E, which is no ASCII letter'),
            expect.stringContaining('unknown field "pass\\u202ewordMinLength" (it has the character U+202E'),
        ]);
        expect(formatProblem(problems[1]!)).toBe(`acme.yaml:7:3: /security/pass\\u202ewordMinLength: ${problems[1]!.message}`);
        expect(formatProblem(problems[1]!)).not.toContain("\u202e");
    });

    it("GIVEN a UTF-8 BOM WHEN validated THEN the file passes", () => {
        const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID_TEXT)]);
        expect(validateTenantFile("acme.yaml", bytes).problems).toEqual([]);
    });

    it("GIVEN CRLF line endings WHEN validated THEN the file passes", () => {
        expect(validateTenantFile("acme.yaml", Buffer.from(VALID_TEXT.replace(/\n/g, "\r\n"))).problems).toEqual([]);
    });

    it("GIVEN carriage returns alone as line endings (a YAML 1.2 line break) WHEN validated THEN the file passes, and a mistake is positioned as in the plain file", () => {
        expect(validateTenantFile("acme.yaml", Buffer.from(VALID_TEXT.replace(/\n/g, "\r"))).problems).toEqual([]);
        const rendered = render(edit(VPN_SYNC, "/network/cidr", "10.40.0.1/16"));
        expect(validateTenantFile("acme.yaml", Buffer.from(rendered.text.replace(/\n/g, "\r"))).problems).toEqual([
            { file: "acme.yaml", ...rendered.value("/network/cidr"), path: "/network/cidr", message: expect.stringContaining("did you mean 10.40.0.0/16?") },
        ]);
    });

    it("GIVEN a BOM and CRLF line endings and a mistake WHEN validated THEN the position is the same as in the plain file", () => {
        const doc = edit(VPN_SYNC, "/network/cidr", "10.40.0.1/16");
        const rendered = render(doc);
        const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rendered.text.replace(/\n/g, "\r\n"))]);
        expect(validateTenantFile("acme.yaml", bytes).problems).toEqual([
            { file: "acme.yaml", ...rendered.value("/network/cidr"), path: "/network/cidr", message: expect.stringContaining("did you mean 10.40.0.0/16?") },
        ]);
    });

    it("GIVEN a flow-style (JSON) document WHEN validated THEN it passes", () => {
        expect(validateTenantFile("acme.yaml", Buffer.from(JSON.stringify(VPN_SYNC))).problems).toEqual([]);
        expect(validateTenantFile("acme.yaml", Buffer.from(JSON.stringify(VPN_SYNC, null, 2))).problems).toEqual([]);
    });

    it("GIVEN a flow-style document with a mistake WHEN validated THEN the problem is positioned in the JSON text", () => {
        const text = JSON.stringify(edit(VPN_SYNC, "/network/cidr", "10.40.0.1/16"), null, 2);
        const lines = text.split("\n");
        const line = lines.findIndex((l) => l.includes('"cidr"')) + 1;
        const column = lines[line - 1]!.indexOf('"10.40.0.1/16"') + 1;
        expect(validateTenantFile("acme.yaml", Buffer.from(text)).problems).toEqual([
            { file: "acme.yaml", line, column, path: "/network/cidr", message: expect.stringContaining("is not a network address") },
        ]);
    });

    it("GIVEN YAML 1.2 core tags that fit their values WHEN validated THEN the file passes with the values they say", () => {
        const text = "tenant: !!str acme\ncompany: !!str 2024\nmode: saas\nregion: eu-west-1\nsecurity: !!map\n  passwordMinLength: !!int 0x0C\n";
        const result = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(result.problems).toEqual([]);
        expect(result.document).toMatchObject({ company: "2024", security: { passwordMinLength: 12 } });
    });

    it.each([
        ["!!float 12", 12],
        ["!!float +12", 12],
        ["!!float 012", 12],
        ["!!float 12.0", 12],
        ["12.0", 12],
    ])("GIVEN a whole number written as a YAML 1.2 float (%s) WHEN validated THEN it is that integer", (written, value) => {
        const text = `tenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\nsecurity:\n  passwordMinLength: ${written}\n`;
        const result = validateTenantFile("acme.yaml", Buffer.from(text));
        expect(result.problems).toEqual([]);
        expect(result.document?.security?.passwordMinLength).toBe(value);
    });

    it("GIVEN explicit document markers around one document WHEN validated THEN the file passes", () => {
        expect(validateTenantFile("acme.yaml", Buffer.from(`---\n${VALID_TEXT}...\n`)).problems).toEqual([]);
    });
});
