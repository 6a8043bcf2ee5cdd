// A secret input is shown as "[secret]" in the plan, but AWS judges its real value: the AD
// Connector's password is 1 to 128 characters (botocore ds ConnectDirectory Password). The plan
// judges secrets on their real values and reports a break by its length alone, never the value.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { canonicalJson } from "../lib/canonical-json";
import { planFleet } from "../scripts/lib/plan/fleet";
import { validateFleet } from "../stacks/config/validate";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-rules-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A vpn-sync tenant whose connector exists (identity.connect: true), planned with this directory password. */
async function planWithPassword(password: string) {
    const file = path.join(dir, "umbra.yaml");
    fs.writeFileSync(
        file,
        "tenant: umbra\ncompany: Umbra\nmode: vpn-sync\nregion: eu-west-1\ndomain:\n  own: itm.umbra.example.org\nnetwork:\n  cidr: 10.64.0.0/16\n" +
            "vpn:\n  customerGatewayIp: 81.2.69.142\n  corporateCidrs: [192.168.0.0/16]\n" +
            "identity:\n  directoryName: corp.umbra.example.org\n  dnsIps: [192.168.1.1, 192.168.1.2]\n  serviceAccount: svc-itm\n  connect: true\n",
    );
    const fleet = validateFleet([{ file, bytes: fs.readFileSync(file) }]);
    expect(fleet.problems).toEqual([]);
    return planFleet({ tenants: fleet.tenants, config: { directoryPassword: password }, threads: 1 });
}

describe("secrets judged by AWS's rules on their real values", () => {
    it("GIVEN a directory password of 129 characters WHEN planned THEN one error names the connector, the property, the length and the rule, and no character of the secret appears anywhere", async () => {
        const secret = `Zq9!${"x".repeat(121)}Kw7#`;
        expect(secret).toHaveLength(129);
        const document = await planWithPassword(secret);
        expect(document.errors).toEqual([
            expect.objectContaining({
                path: "/",
                line: 1,
                column: 1,
                message:
                    'umbra: aws:directoryservice/directory:Directory "umbra-directory-connector": password (a secret of 129 characters, not shown) ' +
                    "breaks AWS's rule: 1 to 128 characters (source: botocore 1.29.27 ds ConnectDirectory Password (shape ConnectPassword))",
            }),
        ]);
        const printed = canonicalJson(document);
        expect(printed).not.toContain("Zq9!");
        expect(printed).not.toContain("xxxxxxxx");
        const connector = document.tenants.find((stack) => stack.tenant === "umbra")!.resources.find((resource) => resource.type === "aws:directoryservice/directory:Directory")!;
        expect(connector.inputs.password).toBe("[secret]");
    });

    it("GIVEN a directory password of 128 characters WHEN planned THEN nothing is refused", async () => {
        const document = await planWithPassword("Aa1!".repeat(32));
        expect(document.errors).toEqual([]);
    });
});
