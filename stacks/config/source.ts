// Reading one tenant file defensively: bytes to text to a single YAML 1.2 document, with every
// hostile or accidental input (binary junk, alias bombs, several documents, custom tags, ...) turned
// into a positioned problem instead of an exception, and a way to map a JSON pointer back to the
// line and column of the YAML node it names.

import {
    Alias,
    Document,
    isAlias,
    isMap,
    isPair,
    isScalar,
    isSeq,
    LineCounter,
    Node,
    Pair,
    parseAllDocuments,
    Scalar,
    visit,
    YAMLMap,
} from "yaml";

import { escapePointerSegment, joinPointer, pointerSegments, unescapePointerSegment } from "../../lib/json-pointer";
import { firstInvalidUtf8 } from "../../lib/utf8";
import { isSecretLikeKey, looksLikeSecret } from "../../lib/secrets";
import { quoteVisibly } from "../../lib/quote-visibly";

/** One thing wrong with a tenant file, in the contract's `FILE:LINE:COLUMN: FIELD_PATH: message` shape. */
export interface Problem {
    readonly file: string;
    readonly line: number;
    readonly column: number;
    /** A JSON pointer (`/vpn/corporateCidrs/1`), `/` for the whole document. */
    readonly path: string;
    readonly message: string;
}

export function formatProblem(problem: Problem): string {
    // A key of the file is part of the path: shown with what a terminal would act on escaped.
    const path = /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(problem.path) ? quoteVisibly(problem.path).slice(1, -1) : problem.path;
    return `${problem.file}:${problem.line}:${problem.column}: ${path}: ${problem.message}`;
}

/** Files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 64 * 1024;
/**
 * How many nodes aliases may expand to in one file. Honest files need none or a handful (a shared
 * list of corporate CIDRs); a "billion laughs" file needs millions.
 */
export const MAX_ALIAS_EXPANSION = 100;

const CORE_TAGS = new Set(
    ["str", "int", "float", "bool", "null", "map", "seq"].map((name) => `tag:yaml.org,2002:${name}`),
);

/**
 * Whether a node holds what its core tag says. The parser keeps a value its tag cannot resolve
 * (`!!int ACME`, `!!bool saas`, `!!str` on a mapping) as it is, untagged, with only a warning: a
 * file that says `company: !!int ACME` is no valid YAML 1.2, not a company named ACME.
 */
function fitsCoreTag(tag: string, node: Node): boolean {
    switch (tag.replace("tag:yaml.org,2002:", "")) {
        case "map":
            return isMap(node);
        case "seq":
            return isSeq(node);
        case "str":
            return isScalar(node) && typeof node.value === "string";
        case "null":
            return isScalar(node) && node.value === null;
        case "bool":
            return isScalar(node) && typeof node.value === "boolean";
        default:
            return isScalar(node) && typeof node.value === "number";
    }
}

// C0 controls other than tab, line feed and carriage return; DEL; C1 controls. YAML forbids them
// and they are the usual sign of a binary or wrongly encoded file.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export type Target = "key" | "value";

/** A parsed tenant file: its plain data and the means to point at any part of it. */
export interface TenantSource {
    readonly file: string;
    readonly data: unknown;
    /** Line and column (1-based) of the node a JSON pointer names, or of its nearest existing ancestor. */
    locate(pointer: string, target?: Target): { line: number; column: number };
    /** Every mapping key in the document with its JSON pointer (for rules that look at key names). */
    keys(): { pointer: string; key: string }[];
}

export interface SourceResult {
    /** The file read as data: present only when it is one well-formed YAML mapping, with no problem. */
    readonly source?: TenantSource;
    /**
     * The file read as data despite `problems` that leave its data readable (a second document, a
     * key given twice, a tag, a merge key): the first document, a repeated key's last value, a
     * tagged value as written. Only to report the file's other problems too (the contract reports
     * every one); never planned.
     */
    readonly partial?: TenantSource;
    readonly problems: Problem[];
}

// Where the problems point (kept here too: the config layer imports them from this module).
export { escapePointerSegment, joinPointer, pointerSegments, unescapePointerSegment };

function positionOf(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < text.length; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, column: offset - lineStart + 1 };
}

function describeEncoding(bytes: Uint8Array): string | undefined {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
        return "the file is UTF-16; save it as UTF-8";
    }
    return undefined;
}

/** The JSON pointer of a node from the ancestors `visit` passes (pairs give keys, sequences indexes). */
function pointerOf(ancestors: readonly unknown[], key: unknown): string {
    let pointer = "/";
    const chain = [...ancestors.slice(1), undefined];
    chain.forEach((ancestor, i) => {
        if (isPair(ancestor) && isScalar(ancestor.key)) {
            pointer = joinPointer(pointer, String(ancestor.key.value));
        } else if (isSeq(ancestor)) {
            const child = chain[i + 1];
            const index = child === undefined ? Number(key) : ancestor.items.indexOf(child as never);
            if (index >= 0) {
                pointer = joinPointer(pointer, index);
            }
        }
    });
    return pointer;
}

/** A YAML library message without its own "at line X, column Y" suffix (the problem carries the position). */
function plainYamlMessage(message: string): string {
    const first = message.split("\n")[0] ?? message;
    return first.replace(/ at line \d+, column \d+:?$/, "").trim();
}

/**
 * A parser's message as a problem may show it: the parser quotes the text it stopped at (a directive,
 * a tag, a version) whole, so at most its first 200 characters, nothing a terminal would act on, and
 * nothing when it looks like a secret.
 */
function shownYamlMessage(message: string): string {
    if (looksLikeSecret(message)) {
        return "(the parser's message quotes text that looks like a secret, not shown)";
    }
    const clipped = message.length > 200 ? `${message.slice(0, 200)}...` : message;
    return /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(clipped) ? quoteVisibly(clipped).slice(1, -1) : clipped;
}

function yamlErrorMessage(code: string, message: string): string {
    switch (code) {
        case "DUPLICATE_KEY":
            return "duplicate key: each field may appear only once";
        case "TAB_AS_INDENT":
            return "tabs are not allowed for indentation in YAML; indent with spaces";
        default:
            if (/call stack/i.test(message)) {
                return "the file is nested too deeply to be a tenant file";
            }
            return `YAML syntax error: ${shownYamlMessage(plainYamlMessage(message))}`;
    }
}

/**
 * The text with each carriage return that stands alone made a line feed. It is a line break in YAML
 * 1.2 (b-break, as in files saved with classic Mac line endings), which the parser reads as part of
 * a line; one character for one, so that every offset and position stays the same.
 */
export function lineFeedBreaks(text: string): string {
    return text.replace(/\r(?!\n)/g, "\n");
}

/**
 * Parses a tenant file's bytes. Never throws for anything the file contains: every problem is
 * returned positioned, and `source` is present only when the file is one well-formed YAML mapping.
 */
export function parseTenantSource(file: string, bytes: Uint8Array, size: number = bytes.length): SourceResult {
    const at = (line: number, column: number, message: string, path = "/"): Problem => ({ file, line, column, path, message });

    if (size > MAX_FILE_BYTES || bytes.length > MAX_FILE_BYTES) {
        return { problems: [at(1, 1, `the file is ${Math.max(size, bytes.length)} bytes; a tenant file may be at most ${MAX_FILE_BYTES} bytes (64 KiB)`)] };
    }
    const encoding = describeEncoding(bytes);
    if (encoding) {
        return { problems: [at(1, 1, encoding)] };
    }
    const invalid = firstInvalidUtf8(bytes);
    if (invalid >= 0) {
        // Placed as every other problem is: in characters of the text before it, after a BOM, at
        // line breaks of every kind (a byte count put it 3 columns right of a BOM, one more column
        // right for each accented letter before it, and on line 1 in a file of carriage returns).
        const before = Buffer.from(bytes.buffer, bytes.byteOffset, invalid).toString("utf8").replace(/^\ufeff/, "");
        const { line, column } = positionOf(lineFeedBreaks(before), before.length);
        const byte = bytes[invalid]!.toString(16).padStart(2, "0");
        return { problems: [at(line, column, `the file is not valid UTF-8 (byte 0x${byte}); save it as UTF-8 text`)] };
    }
    let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
    }
    text = lineFeedBreaks(text);
    const control = CONTROL_CHARACTER.exec(text);
    if (control) {
        const { line, column } = positionOf(text, control.index);
        const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
        return { problems: [at(line, column, `the file contains the control character U+${code}; a tenant file is plain text (is it a binary file?)`)] };
    }
    if (text.trim() === "") {
        return { problems: [at(1, 1, "the file is empty; a tenant file is a YAML mapping (see tenant-configs/tenant.schema.json)")] };
    }

    const lineCounter = new LineCounter();
    let documents: Document.Parsed[];
    try {
        documents = parseAllDocuments(text, {
            lineCounter,
            prettyErrors: false,
            // Duplicate keys are found below, in one pass: the parser's own check compares each key
            // with every key before it, which took seconds for a 64 KiB file of keys.
            uniqueKeys: false,
            merge: false,
            version: "1.2",
            schema: "core",
            strict: true,
        }) as Document.Parsed[];
    } catch (error) {
        // The parser has no recursion limit of its own; a pathological nesting depth ends here.
        return { problems: [at(1, 1, `the file cannot be parsed as YAML (${(error as Error).name}); is it deeply nested or corrupt?`)] };
    }
    const linePos = (offset: number): { line: number; column: number } => {
        const pos = lineCounter.linePos(offset);
        return { line: pos.line, column: pos.col };
    };
    if (!Array.isArray(documents)) {
        return { problems: [at(1, 1, "the file holds no YAML document")] };
    }
    if (documents.length === 0) {
        return { problems: [at(1, 1, "the file is empty (only comments); a tenant file is a YAML mapping (see tenant-configs/tenant.schema.json)")] };
    }
    // Problems that leave the data readable (`partial`), and those that do not.
    const problems: Problem[] = [];
    const fatal: Problem[] = [];
    if (documents.length > 1) {
        const second = documents[1]!;
        const { line, column } = linePos(second.range[0]);
        problems.push(at(line, column, `the file holds ${documents.length} YAML documents; a tenant file is exactly one`));
    }
    const doc = documents[0]!;
    // YAML allows one %YAML directive per document; the parser keeps the last of several, so that
    // `%YAML 1.1` then `%YAML 1.2` passed as 1.2, misread (`0100` is 64 in the 1.1 the file declares).
    const prologueEnd = text.search(/^---/m);
    const versions = [...text.slice(0, Math.max(prologueEnd, 0)).matchAll(/^%YAML\b/gm)];
    if (versions.length > 1) {
        const { line, column } = positionOf(text, versions[1]!.index);
        return { problems: [...problems, at(line, column, `the file declares %YAML ${versions.length} times; a YAML document has one %YAML directive at most: keep one %YAML 1.2 line, or none`)] };
    }
    // The parser reads every document as 1.2 (its options): a file that says it is 1.1 means other
    // values by the same text (`0100` is 64 there, `yes` true), so it is refused, not misread.
    if (doc.directives?.yaml.explicit && doc.directives.yaml.version === "1.1") {
        // The directive's line, not a comment before it that mentions one.
        const { line, column } = positionOf(text, Math.max(text.search(/^%YAML/m), 0));
        return { problems: [...problems, at(line, column, "the file declares %YAML 1.1; a tenant file is YAML 1.2, where values read otherwise (0100 is 100, yes is text): remove the %YAML line")] };
    }
    // A key given twice in a mapping (as the parser's check compares them: scalars by value), at the
    // repetition, as the pointer of the field it repeats.
    visit(doc, {
        Map(key, map, ancestors) {
            const seen = new Set<unknown>();
            for (const pair of map.items) {
                if (!isScalar(pair.key) || Number.isNaN(pair.key.value)) {
                    continue;
                }
                if (!seen.has(pair.key.value)) {
                    seen.add(pair.key.value);
                    continue;
                }
                const { line, column } = linePos(pair.key.range?.[0] ?? 0);
                // A secret-looking name is never echoed, not even in a path: the document stands in.
                const name = String(pair.key.value);
                const pointer = isSecretLikeKey(name) ? "/" : joinPointer(pointerOf(ancestors, key), name);
                problems.push(at(line, column, yamlErrorMessage("DUPLICATE_KEY", ""), pointer));
            }
        },
    });
    // Unresolved tags are reported below with the field they stand on.
    for (const error of [...doc.errors, ...doc.warnings.filter((warning) => warning.code !== "TAG_RESOLVE_FAILED")]) {
        const { line, column } = linePos(error.pos[0]);
        fatal.push(at(line, column, yamlErrorMessage(error.code, error.message)));
    }
    if (fatal.length > 0) {
        return { problems: [...problems, ...fatal] };
    }
    if (doc.contents === null) {
        return { problems: [...problems, at(1, 1, "the file is empty (only comments); a tenant file is a YAML mapping (see tenant-configs/tenant.schema.json)")] };
    }

    let aliasProblem: Problem | undefined;
    visit(doc, {
        Alias(_, alias: Alias) {
            if (!aliasProblem) {
                const { line, column } = linePos(alias.range?.[0] ?? 0);
                aliasProblem = at(line, column, "");
            }
        },
        Node(key, node: Node, ancestors) {
            const tag = (node as Scalar | YAMLMap).tag;
            if (tag !== undefined && !CORE_TAGS.has(tag)) {
                const { line, column } = linePos(node.range?.[0] ?? 0);
                const name = tag.replace("tag:yaml.org,2002:", "!!");
                const shown = looksLikeSecret(name) ? "(a tag that looks like a secret, not shown)" : quoteVisibly(name.slice(0, 60)).slice(1, -1);
                problems.push(at(line, column, `the YAML tag ${shown} is not allowed; write the plain value`, pointerOf(ancestors, key)));
            } else if (tag === "tag:yaml.org,2002:float" && isScalar(node) && typeof node.value === "string" && /^[-+]?[0-9]+$/.test(node.value)) {
                // YAML 1.2's core float includes the digits of an integer (`!!float 12` is 12.0), which
                // the parser's float does not: read as the spec says, as a plain 12.0 is.
                node.value = Number(node.value);
            } else if (tag !== undefined && !fitsCoreTag(tag, node)) {
                const { line, column } = linePos(node.range?.[0] ?? 0);
                const name = tag.replace("tag:yaml.org,2002:", "!!");
                problems.push(at(line, column, `the YAML tag ${name} does not fit this value (YAML 1.2 cannot read it as one); remove the tag and write the plain value`, pointerOf(ancestors, key)));
            }
        },
        Pair(key, pair, ancestors) {
            if (isScalar(pair.key) && pair.key.value === "<<") {
                const { line, column } = linePos(pair.key.range?.[0] ?? 0);
                problems.push(at(line, column, "merge keys (<<) are not allowed; write each field out", joinPointer(pointerOf(ancestors, key), "<<")));
            } else if (!isScalar(pair.key) || pair.key.value === null || pair.key.value === "") {
                // `? [a, b]: c`, `~: c` or `"": c`: no field is named so (the parser would name it
                // "[ a, b ]" or "", whose JSON pointer at the top, "/", is the whole document's).
                const node = (pair.key ?? pair.value) as Node | null;
                const { line, column } = linePos(node?.range?.[0] ?? 0);
                const what =
                    pair.key === null || isScalar(pair.key)
                        ? pair.key?.value === ""
                            ? 'empty ("")'
                            : "empty (null)"
                        : isSeq(pair.key)
                          ? "a list"
                          : isAlias(pair.key)
                            ? "an alias"
                            : "a mapping";
                fatal.push(at(line, column, `a key here is ${what}; every key is a field name (tenant:, company:, ...)`, pointerOf(ancestors, key)));
            }
        },
    });
    if (fatal.length > 0) {
        return { problems: [...problems, ...fatal] };
    }

    let data: unknown;
    try {
        data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (error) {
        const where = aliasProblem ?? at(1, 1, "");
        const message = (error as Error).message ?? "";
        const said = plainYamlMessage(message).slice(0, 80);
        const reason = /unresolved alias/i.test(message)
            ? `an alias refers to an anchor that does not exist${looksLikeSecret(said) ? "" : ` (${quoteVisibly(said).slice(1, -1)})`}; write the value out`
            : error instanceof ReferenceError && /alias/i.test(message)
              ? `anchors and aliases expand beyond the limit of ${MAX_ALIAS_EXPANSION} nodes; write the values out`
              : `the file cannot be read as data (${plainYamlMessage(message).slice(0, 120)})`;
        return { problems: [...problems, { ...where, message: reason }] };
    }

    if (!isMap(doc.contents)) {
        const { line, column } = linePos(doc.contents.range?.[0] ?? 0);
        const kind = isSeq(doc.contents) ? "a list" : isScalar(doc.contents) && doc.contents.value === null ? "null" : "a single value";
        return { problems: [...problems, at(line, column, `the document is ${kind}; a tenant file is a mapping of fields (tenant:, company:, mode:, ...)`)] };
    }

    const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

    // Each mapping's pairs by key name (the first of a name), made on first use: a file of thousands
    // of unknown fields has thousands of problems to place, each one looked up in its mapping.
    const pairsByName = new Map<YAMLMap, Map<string, Pair>>();
    const pairNamed = (map: YAMLMap, name: string): Pair | undefined => {
        let pairs = pairsByName.get(map);
        if (!pairs) {
            pairs = new Map();
            for (const item of map.items) {
                if (isScalar(item.key) && !pairs.has(String(item.key.value))) {
                    pairs.set(String(item.key.value), item);
                }
            }
            pairsByName.set(map, pairs);
        }
        return pairs.get(name);
    };

    const locate = (pointer: string, target: Target = "value"): { line: number; column: number } => {
        let node: unknown = doc.contents;
        let keyNode: unknown;
        for (const segment of pointerSegments(pointer)) {
            node = resolve(node);
            let next: unknown;
            let nextKey: unknown;
            if (isMap(node)) {
                const pair = pairNamed(node, segment);
                if (pair) {
                    next = pair.value ?? pair.key;
                    nextKey = pair.key;
                }
            } else if (isSeq(node) && /^\d+$/.test(segment)) {
                next = node.items[Number(segment)];
            }
            if (next === undefined) {
                break;
            }
            node = next;
            keyNode = nextKey;
        }
        const valueNode = resolve(node) as Node | undefined;
        const empty = isScalar(valueNode) && valueNode.value === null && (valueNode.source === "" || valueNode.source === undefined);
        const chosen = (target === "key" || empty) && keyNode ? (keyNode as Node) : (node as Node);
        return linePos(chosen?.range?.[0] ?? 0);
    };

    const keys = (): { pointer: string; key: string }[] => {
        // Iterative, with no depth limit: a secret key is refused however deep it hides. Nodes
        // reached again through aliases are walked once.
        const found: { pointer: string; key: string }[] = [];
        const seen = new Set<unknown>();
        const pending: { node: unknown; pointer: string }[] = [{ node: doc.contents, pointer: "/" }];
        while (pending.length > 0) {
            const { node: raw, pointer } = pending.pop()!;
            const node = resolve(raw);
            if (seen.has(node)) {
                continue;
            }
            seen.add(node);
            if (isMap(node)) {
                for (const item of node.items) {
                    if (!isPair(item)) {
                        continue;
                    }
                    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
                    const child = joinPointer(pointer, key);
                    found.push({ pointer: child, key });
                    pending.push({ node: item.value, pointer: child });
                }
            } else if (isSeq(node)) {
                node.items.forEach((item, index) => pending.push({ node: item, pointer: joinPointer(pointer, index) }));
            }
        }
        return found;
    };

    const source: TenantSource = { file, data, locate, keys };
    return problems.length > 0 ? { partial: source, problems } : { source, problems };
}
