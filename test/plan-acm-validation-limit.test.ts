// A contract-valid own domain that ACM can never validate: the DNS validation record ACM asks for is
// `_<32 hex>.<name>.`, and DNS names end at 253 characters, so a host name over 219 characters
// would leave the certificate pending until `pulumi up` times out. The plan fails it instead, at
// the line and column of the field in the tenant file (the file is read again for the position).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { planFleet, PlanDocument } from "../scripts/lib/plan/fleet";
import { validateFleet } from "../stacks/config/validate";

/** Labels of at most 63 characters, `length` characters in all: valid by the tenant contract. */
function ownDomain(length: number): string {
    const labels = ["a".repeat(63), "b".repeat(63), "c".repeat(63)];
    const head = labels.join(".");
    return `${head}.${"d".repeat(length - head.length - ".com".length - 1)}.com`;
}

const tenantFile = (id: string, domain: string): string =>
    `tenant: ${id}\ncompany: Long Names Ltd\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  own: ${domain}\n`;

describe("an own domain too long for ACM's DNS validation", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acm-validation-limit-"));
    const tooLong = ownDomain(220);
    const longest = ownDomain(219);
    const files = [
        { file: path.join(dir, "too-long.yaml"), bytes: Buffer.from(tenantFile("too-long", tooLong)) },
        { file: path.join(dir, "longest.yaml"), bytes: Buffer.from(tenantFile("longest", longest)) },
    ];
    let document: PlanDocument;

    beforeAll(async () => {
        for (const { file, bytes } of files) {
            fs.writeFileSync(file, bytes);
        }
        const fleet = validateFleet(files);
        expect(fleet.problems).toEqual([]);
        document = await planFleet({ tenants: fleet.tenants, threads: 1 });
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("GIVEN domains of 220 and 219 characters WHEN built THEN both are what the contract allows", () => {
        expect([tooLong.length, longest.length]).toEqual([220, 219]);
        expect(tooLong.split(".").every((label) => label.length <= 63)).toBe(true);
    });

    it("GIVEN the two tenants WHEN planned THEN only the 220-character domain is an error, at its field's line and column, naming the rule and its source", () => {
        expect(document.errors).toHaveLength(1);
        const [error] = document.errors;
        expect(error).toMatchObject({ file: files[0]!.file, line: 6, column: 8, path: "/domain/own" });
        expect(error!.message).toContain('too-long: aws:acm/certificate:Certificate "too-long-front-door-cert": subjectAlternativeNames/0');
        // Quoted as every message quotes a value: its first 200 characters.
        expect(error!.message).toContain(`"${tooLong.slice(0, 200)}..." (220 characters)`);
        expect(error!.message).toContain("at most 219 characters when validated by DNS");
        expect(error!.message).toContain("source: AWS Certificate Manager User Guide, DNS validation");
    });

    it("GIVEN the 219-character domain WHEN planned THEN its certificate carries it as an alternative name and nothing refuses it", () => {
        const plan = document.tenants.find((stack) => stack.tenant === "longest");
        const certificate = plan?.resources.find((resource) => resource.type === "aws:acm/certificate:Certificate");
        expect(certificate?.inputs.subjectAlternativeNames).toEqual([longest]);
    });
});
