#!/usr/bin/env tsx
// A developer's check of the pull-request diagrams, not a unit test: it needs the `mermaid` package
// and a headless Chromium, neither of which the project depends on. Renders each stack's topology
// diagram of a plan JSON as GitHub does (Mermaid's flowchart, scaled down to the comment column),
// measures the diagram's natural width and writes a PNG at the column's width to look at.
//
//   npm run -s plan -- acme globex --json > /tmp/plan.json
//   mkdir -p /tmp/mermaid && npm install --prefix /tmp/mermaid --no-save mermaid
//   npx tsx scripts/ci/render-diagrams.ts --plan /tmp/plan.json --mermaid /tmp/mermaid --out /tmp/diagrams

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { EXIT, parseFlags, run, UsageError, writeStdout } from "../lib/cli";
import { topologyDiagram, TopologyStack } from "../lib/plan/mermaid";
import { readPlanDocument, readPlanText } from "../policy";

export const USAGE = `Usage: npx tsx scripts/ci/render-diagrams.ts --plan FILE --mermaid DIR [--out DIR] [--width PX] [--chromium PATH]

Renders the topology diagram of every stack in a plan JSON (npm run plan -- ... --json) in headless
Chromium with the mermaid package, as a pull-request comment shows it, and prints per stack the
diagram's natural width and the scale it is shown at in a column of --width pixels.

  --plan FILE      the plan JSON document
  --mermaid DIR    a folder where \`npm install mermaid\` ran (holds node_modules/mermaid)
  --out DIR        where the HTML and PNG files go (default: diagrams/ in the current folder)
  --width PX       the comment column's width (default: 860, GitHub's at a common window size)
  --chromium PATH  the Chromium binary (default: chromium)
  -h, --help       show this help

Exit codes: 0 every diagram fits the width unscaled, 1 one is shrunk, 2 usage error.
`;

interface Measure {
    readonly tenant: string;
    readonly mode: string;
    readonly width: number;
    readonly height: number;
    readonly png: string;
}

/** The page: the diagram in a column of `width` pixels, scaled down to it as GitHub scales it. */
function page(mermaidJs: string, source: string, width: number): string {
    const escaped = source.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    return `<!doctype html><html><head><meta charset="utf-8"><script src="${mermaidJs}"></script>
<style>body{margin:0;background:#fff;font-family:sans-serif}#column{width:${width}px}</style></head>
<body><div id="column"><pre class="mermaid">${escaped}</pre></div><pre id="size"></pre>
<script>
mermaid.initialize({ startOnLoad: false, securityLevel: "strict", flowchart: { useMaxWidth: true } });
mermaid.run({ querySelector: ".mermaid" }).then(() => {
  const svg = document.querySelector("#column svg");
  const box = svg.viewBox.baseVal;
  document.getElementById("size").textContent = JSON.stringify({ width: box.width, height: box.height });
}, (error) => { document.getElementById("size").textContent = JSON.stringify({ error: String(error) }); });
</script></body></html>`;
}

function chromium(binary: string, args: string[]): string {
    return execFileSync(binary, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=20000", ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
    });
}

/**
 * The stacks of a plan document, or why it is not one. Each stack's name becomes a file name in
 * --out, so only a stack name (lowercase letters, digits, hyphens) is taken, never a path.
 */
export function stacksOf(document: unknown): TopologyStack[] | string {
    const tenants = (document as { tenants?: unknown } | null)?.tenants;
    if (typeof document !== "object" || document === null || !Array.isArray(tenants)) {
        return "it has no \"tenants\" array";
    }
    for (const [index, stack] of tenants.entries()) {
        const name = (stack as { tenant?: unknown } | null)?.tenant;
        if (typeof name !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(name) || !Array.isArray((stack as { resources?: unknown }).resources)) {
            return `/tenants/${index} is not a stack (a "tenant" name of lowercase letters, digits and hyphens, and a "resources" array)`;
        }
    }
    return tenants as TopologyStack[];
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        plan: { type: "string" },
        mermaid: { type: "string" },
        out: { type: "string", default: "diagrams" },
        width: { type: "string", default: "860" },
        chromium: { type: "string", default: "chromium" },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 60)}" (the plan is --plan FILE)`);
    }
    if (!values.plan || !values.mermaid) {
        throw new UsageError("--plan FILE and --mermaid DIR are required");
    }
    const mermaidJs = resolve(values.mermaid, "node_modules/mermaid/dist/mermaid.min.js");
    if (!existsSync(mermaidJs)) {
        throw new UsageError(`${mermaidJs}: no such file (run \`npm install --prefix ${values.mermaid} --no-save mermaid\`)`);
    }
    const width = Number(values.width);
    if (!Number.isInteger(width) || width < 200) {
        throw new UsageError(`--width ${values.width}: expected a whole number of pixels, 200 or more`);
    }
    // Read and checked as npm run policy reads a plan (a byte order mark, UTF-8, the contract's shape):
    // a resource of another shape is refused at its path, not met half-way through a diagram.
    const { document, problems } = readPlanDocument(readPlanText(values.plan, `cannot read ${values.plan}`));
    if (document === undefined) {
        throw new UsageError(`${values.plan}:${problems[0]!.path}: not a plan JSON document: ${problems[0]!.message}`, EXIT.invalid);
    }
    const stacks = stacksOf(document);
    if (typeof stacks === "string") {
        throw new UsageError(`${values.plan}: not a plan JSON document: ${stacks}`, EXIT.invalid);
    }
    const out = resolve(values.out);
    mkdirSync(out, { recursive: true });
    const measures: Measure[] = [];
    for (const stack of stacks) {
        const html = join(out, `${stack.tenant}.html`);
        const source = topologyDiagram(stack);
        writeFileSync(join(out, `${stack.tenant}.mmd`), `${source}\n`);
        writeFileSync(html, page(`file://${mermaidJs}`, source, width));
        const dom = chromium(values.chromium, ["--dump-dom", `file://${html}`]);
        const size = JSON.parse(/<pre id="size">([^<]*)<\/pre>/.exec(dom)?.[1] || '{"error":"not rendered"}') as { width?: number; height?: number; error?: string };
        if (size.error !== undefined || size.width === undefined || size.height === undefined) {
            throw new UsageError(`${stack.tenant}: Mermaid did not render the diagram: ${size.error ?? "no size"} (source in ${join(out, `${stack.tenant}.mmd`)})`, EXIT.invalid);
        }
        const shown = Math.ceil((size.height * Math.min(1, width / size.width)) + 40);
        const png = join(out, `${stack.tenant}.png`);
        chromium(values.chromium, [`--window-size=${width},${shown}`, `--screenshot=${png}`, `file://${html}`]);
        measures.push({ tenant: stack.tenant, mode: stack.mode, width: Math.round(size.width), height: Math.round(size.height), png });
    }
    const lines = measures.map((m) => {
        const scale = Math.min(1, width / m.width);
        return `${m.tenant.padEnd(24)} ${m.mode.padEnd(15)} ${String(m.width).padStart(5)} x ${String(m.height).padEnd(5)} px  shown at ${Math.round(scale * 100)}%  ${m.png}`;
    });
    await writeStdout(`${lines.join("\n")}\n`);
    const shrunk = measures.filter((m) => m.width > width);
    process.stderr.write(shrunk.length === 0 ? `${measures.length} diagram(s) fit ${width} px unscaled\n` : `${shrunk.length} of ${measures.length} diagram(s) wider than ${width} px: ${shrunk.map((m) => m.tenant).join(", ")}\n`);
    return shrunk.length === 0 ? EXIT.ok : EXIT.invalid;
}

if (require.main === module) {
    void run("render-diagrams", main, USAGE);
}
