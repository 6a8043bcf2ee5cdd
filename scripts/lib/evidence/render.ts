// The sheet as Markdown (a pull request, an email) and as printable HTML (a customer: one page per
// section when printed).

import { Sheet, SheetLine } from "./sheet";

/** The sheet's sections, in order; each promise of the catalogue is in exactly one (a test keeps it so). */
export const SECTIONS: readonly { readonly title: string; readonly ids: readonly string[] }[] = [
    {
        title: "Network and firewalls",
        ids: [
            "two-network-cards",
            "administration-network-restricted",
            "external-firewall",
            "port-blocking",
            "blocked-access-warning",
            "suspicious-network-blocking",
            "internet-facing-separated",
            "vpn-access",
            "ipsec-between-servers",
        ],
    },
    { title: "Encryption and data", ids: ["encryption-in-transit", "encryption-at-rest", "keys-kept-apart", "tenant-data-isolated", "dedicated-physical-server"] },
    { title: "Backups and the backup environment", ids: ["database-backup", "web-files-backup", "backup-off-site", "backup-encryption", "backup-environment"] },
    {
        title: "Updates, controls and monitoring",
        ids: [
            "weekend-patching",
            "weekly-update-check",
            "weekly-antivirus-scan",
            "network-change-detection",
            "intrusion-detection",
            "denied-access-log-reading",
            "monthly-configuration-review",
            "monthly-security-controls",
            "audit-logs",
            "availability-check",
            "automated-server-build",
            "patches-tested-first",
            "antivirus-on-each-server",
            "quarterly-external-assessment",
        ],
    },
    { title: "Accounts and certification", ids: ["password-min-length", "password-hashed-salted", "iso-27001"] },
];

const UNCLAIMED_TITLE = "Mandatory policy violations no promise above counts";
const UNCLAIMED_NOTE =
    "The policy rules refuse these on the stacks this sheet reads, and no promise line above counts them: until they are fixed, the sheet does not say every promise is met.";

/** At most this many resources are named per line; the rest are counted. */
const MAX_RESOURCES = 8;

function sections(sheet: Sheet): { title: string; lines: SheetLine[] }[] {
    return SECTIONS.map((section) => ({ title: section.title, lines: sheet.lines.filter((line) => section.ids.includes(line.promise.id)) })).filter(
        (section) => section.lines.length > 0,
    );
}

function shownResources(line: SheetLine): string[] {
    const more = line.resources.length - MAX_RESOURCES;
    return [...line.resources.slice(0, MAX_RESOURCES), ...(more > 0 ? [`and ${more} more`] : [])];
}

function counts(sheet: Sheet): string {
    const statuses = ["met", "not met", "not applicable to this mode", "not shown by the infrastructure"] as const;
    return statuses.map((status) => `${sheet.lines.filter((line) => line.status === status).length} ${status}`).join(", ");
}

function stacksRead(sheet: Sheet): string {
    const read = [...new Set(Object.values(sheet.stacks))].filter((name) => !sheet.missing.includes(name)).join(", ");
    return sheet.missing.length === 0 ? read : `${read}; not in the plan: ${sheet.missing.join(", ")} (the lines that read it are not met)`;
}

const md = (value: string): string => value.replace(/[|\\`*_[\]<>]/g, (char) => `\\${char}`);

export function renderMarkdown(sheet: Sheet): string {
    const out: string[] = [
        `# Security sheet: ${sheet.tenant}`,
        "",
        `Mode: ${sheet.mode}. Region: ${sheet.region}. Read from the plan of: ${stacksRead(sheet)}.`,
        "",
        `${counts(sheet)}.`,
        "",
    ];
    for (const section of sections(sheet)) {
        out.push(`## ${section.title}`, "");
        for (const line of section.lines) {
            out.push(`### ${md(line.promise.title)}`, "");
            out.push(`- Status: **${line.status}**`);
            out.push(`- Source: ${line.promise.sources.map((source) => `${source.document}, ${source.section}`).join("; ")}`);
            if (line.status !== "not applicable to this mode" && line.status !== "not shown by the infrastructure") {
                out.push(`- Checked by: ${line.promise.rules.map((rule) => `\`${rule}\``).join(", ")}`);
                out.push(`- Resources:${line.resources.length === 0 ? " none" : ""}`);
                out.push(...shownResources(line).map((resource) => (resource.startsWith("and ") ? `  - ${resource}` : `  - \`${resource.replace(/`/g, "'")}\``)));
            }
            out.push(...line.reasons.map((reason) => `- ${line.status === "not shown by the infrastructure" ? "Not shown" : line.status === "not met" ? "Not met" : "Note"}: ${md(reason)}`));
            out.push("");
        }
    }
    if (sheet.unclaimed.length > 0) {
        out.push(`## ${UNCLAIMED_TITLE}`, "", UNCLAIMED_NOTE, "", ...sheet.unclaimed.map((violation) => `- ${md(violation)}`), "");
    }
    return `${out.join("\n").trimEnd()}\n`;
}

const html = (value: string): string => value.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);

const STATUS_CLASS: Record<SheetLine["status"], string> = {
    met: "met",
    "not met": "not-met",
    "not applicable to this mode": "not-applicable",
    "not shown by the infrastructure": "not-shown",
};

export function renderHtml(sheet: Sheet): string {
    const body: string[] = [
        `<header><h1>Security sheet: ${html(sheet.tenant)}</h1>`,
        `<p>Mode: ${html(sheet.mode)}. Region: ${html(sheet.region)}. Read from the plan of: ${html(stacksRead(sheet))}.</p>`,
        `<p>${html(counts(sheet))}.</p></header>`,
    ];
    for (const section of sections(sheet)) {
        body.push(`<section>`, `<h2>${html(section.title)}</h2>`);
        for (const line of section.lines) {
            body.push(`<article class="${STATUS_CLASS[line.status]}">`, `<h3>${html(line.promise.title)}</h3>`, `<dl>`);
            body.push(`<dt>Status</dt><dd class="status">${html(line.status)}</dd>`);
            body.push(`<dt>Source</dt><dd>${html(line.promise.sources.map((source) => `${source.document}, ${source.section}`).join("; "))}</dd>`);
            if (line.status !== "not applicable to this mode" && line.status !== "not shown by the infrastructure") {
                body.push(`<dt>Checked by</dt><dd>${line.promise.rules.map((rule) => `<code>${html(rule)}</code>`).join(", ")}</dd>`);
                body.push(`<dt>Resources</dt><dd>${line.resources.length === 0 ? "none" : `<ul>${shownResources(line).map((resource) => `<li>${html(resource)}</li>`).join("")}</ul>`}</dd>`);
            }
            if (line.reasons.length > 0) {
                const label = line.status === "not shown by the infrastructure" ? "Not shown" : line.status === "not met" ? "Not met" : "Note";
                body.push(`<dt>${label}</dt><dd><ul>${line.reasons.map((reason) => `<li>${html(reason)}</li>`).join("")}</ul></dd>`);
            }
            body.push(`</dl>`, `</article>`);
        }
        body.push(`</section>`);
    }
    if (sheet.unclaimed.length > 0) {
        body.push(`<section>`, `<h2>${html(UNCLAIMED_TITLE)}</h2>`, `<p>${html(UNCLAIMED_NOTE)}</p>`, `<ul>${sheet.unclaimed.map((violation) => `<li>${html(violation)}</li>`).join("")}</ul>`, `</section>`);
    }
    return [
        "<!DOCTYPE html>",
        `<html lang="en">`,
        `<head><meta charset="utf-8"><title>Security sheet: ${html(sheet.tenant)}</title>`,
        "<style>",
        "body { font-family: sans-serif; font-size: 11pt; margin: 2em; }",
        "article { border-left: 4px solid #999; padding-left: 0.8em; margin-bottom: 1em; break-inside: avoid; page-break-inside: avoid; }",
        "article.met { border-color: #2a7d2a; } article.not-met { border-color: #b00020; } article.not-shown { border-color: #8a6d00; }",
        "dt { font-weight: bold; } dd { margin: 0 0 0.3em 1em; } dd.status { font-weight: bold; text-transform: uppercase; }",
        "@media print { section + section { break-before: page; page-break-before: always; } }",
        "</style></head>",
        "<body>",
        ...body,
        "</body></html>",
        "",
    ].join("\n");
}
