import { describe, expect, it } from "vitest";

import { AppCopy, AppCopyArgs, appCopyHealthCheckPath, appCopyProblems, associationNameFor } from "../../components/app-copy";
import { APP_INSTALL_STEP_TIMEOUT_SECONDS, appInstallProblems, installWaitSeconds } from "../../components/app-install";
import { named, ofType, planProgram } from "../helpers";
import { ASSOCIATION, LISTENER_CERTIFICATE, RULE, TARGET_ATTACHMENT as ATTACHMENT, TARGET_GROUP } from "./resource-types";

// The target group of the tenant's own load balancer (its FrontDoor), made by the stack.
const TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/acme-front-door-tg/0123456789abcdef";
const SERVERS = ["i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb", "i-0cccccccccccccccc"];
const PARAMETERS = { tenantId: "acme", databaseHost: "acme-db.cabcdefghijk.eu-west-1.rds.amazonaws.com", filesBucket: "acme-files-1234567" };
const BASE: AppCopyArgs = {
    tenant: "acme",
    instanceIds: SERVERS,
    targetGroupArn: TARGET_GROUP_ARN,
    serversTag: { key: "role", value: "shared-app" },
    documentName: "platform-eu-west-1-install-app-copy",
    parameters: PARAMETERS,
};


async function planCopy(args: Partial<AppCopyArgs> = {}) {
    const { plan } = await planProgram((provider) => {
        const copy = new AppCopy("acme-app", { ...BASE, ...args }, { provider });
        return { targetGroupArn: copy.targetGroupArn, associationId: copy.associationId };
    });
    return plan;
}

describe("AppCopy", () => {
    describe("GIVEN a tenant's copy on three shared servers", () => {
        it("WHEN planned THEN each server is registered once, on the app port, in the tenant's own target group", async () => {
            const { resources, outputs } = await planCopy();
            const attachments = ofType(resources, ATTACHMENT);
            expect(attachments.map((attachment) => attachment.name)).toEqual(["acme-app-target-0", "acme-app-target-1", "acme-app-target-2"]);
            expect(attachments.map((attachment) => [attachment.inputs.targetGroupArn, attachment.inputs.targetId, attachment.inputs.port])).toEqual(
                SERVERS.map((server) => [TARGET_GROUP_ARN, server, 443]),
            );
            expect(outputs.targetGroupArn).toBe(TARGET_GROUP_ARN);
        });

        it("WHEN planned THEN nothing touches a shared listener: no target group, listener rule or listener certificate of its own", async () => {
            const { resources } = await planCopy();
            expect(ofType(resources, TARGET_GROUP)).toEqual([]);
            expect(ofType(resources, RULE)).toEqual([]);
            expect(ofType(resources, LISTENER_CERTIFICATE)).toEqual([]);
        });

        it("WHEN planned THEN the association installs the copy with the platform's document on the servers' tag, one server at a time, stopping at the first error", async () => {
            const { resources, outputs } = await planCopy();
            const associations = ofType(resources, ASSOCIATION);
            expect(associations.map((association) => association.name)).toEqual(["acme-app-install"]);
            const association = associations[0]!;
            expect(association.inputs).toEqual({
                name: "platform-eu-west-1-install-app-copy",
                associationName: "acme-app-copy",
                targets: [{ key: "tag:role", values: ["shared-app"] }],
                parameters: PARAMETERS,
                complianceSeverity: "HIGH",
                maxConcurrency: "1",
                maxErrors: "0",
                // Three servers, one at a time, each up to the document step's 900 s, plus the agents' pickup.
                waitForSuccessTimeoutSeconds: 3 * 900 + 300,
            });
            expect(outputs.associationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
        });

        it("WHEN planned THEN a changed install replaces the association, old one first, so that the provider waits for it as for the first (it waits only on create)", async () => {
            const association = ofType((await planCopy()).resources, ASSOCIATION)[0]!;
            expect(association.replaceOnChanges).toEqual(["name", "parameters"]);
            expect(association.deleteBeforeReplace).toBe(true);
        });

        it("WHEN planned THEN every resource belongs to the copy and nothing else is created", async () => {
            const { resources } = await planCopy();
            const own = resources.filter((resource) => resource.type !== "pulumi:providers:aws" && resource.name !== "acme-app");
            expect(own.map((resource) => resource.type).sort()).toEqual(
                [ATTACHMENT, ATTACHMENT, ATTACHMENT, "tenant-platform:app:AppInstall", ASSOCIATION].sort(),
            );
            // The association belongs to the copy's installation, which belongs to the copy.
            for (const resource of own) {
                expect(resource.parent, resource.name).toBe(resource.type === ASSOCIATION ? "acme-app-install" : "acme-app");
            }
        });
    });

    it("GIVEN a port WHEN planned THEN the attachments use it; the health path the door checks is the tenant's", async () => {
        const { resources } = await planCopy({ port: 8443, instanceIds: ["i-0aaaaaaaaaaaaaaaa"] });
        expect(ofType(resources, ATTACHMENT).map((attachment) => [attachment.name, attachment.inputs.port])).toEqual([["acme-app-target-0", 8443]]);
        expect(appCopyHealthCheckPath("acme")).toBe("/healthz/acme");
    });

    describe("GIVEN invalid settings WHEN constructed THEN it fails naming the field", () => {
        const copy = (args: Partial<AppCopyArgs>) =>
            planProgram((provider) => {
                new AppCopy("bad-app", { ...BASE, ...args }, { provider });
            });

        it("a secret-looking parameter", async () => {
            await expect(copy({ parameters: { ...PARAMETERS, databasePassword: "hunter2", "api-token": "t" } })).rejects.toThrow(
                'parameters: ["databasePassword","api-token"] look like secrets, which association parameters would show to anyone who may describe the association; pass the name of a Secrets Manager secret instead',
            );
        });
        it("a secret value is never echoed", async () => {
            await expect(copy({ parameters: { databasePassword: "hunter2" } })).rejects.toThrow(/^(?![\s\S]*hunter2)/);
        });
        it("a tenant that is not a tenant id", async () => {
            await expect(copy({ tenant: "Acme Corp" })).rejects.toThrow('tenant: "Acme Corp" is not a tenant id; expected 3 to 30 lower-case letters, digits and hyphens');
        });
        it("no servers", async () => {
            await expect(copy({ instanceIds: [] })).rejects.toThrow("instanceIds: none given; expected the shared app servers' instance ids, one entry per server");
        });
        it("an empty servers' tag key", async () => {
            await expect(copy({ serversTag: { key: " ", value: "shared-app" } })).rejects.toThrow('serversTag.key: empty; expected the tag that marks the shared app servers');
        });
        it("a port out of range", async () => {
            await expect(copy({ port: 0 })).rejects.toThrow("port: 0 is not a port; expected a whole number from 1 to 65535");
        });
    });

    it("GIVEN several problems WHEN validated THEN all are reported together", () => {
        const valid = { tenant: "acme", instanceCount: 2, parameterKeys: ["tenantId"], serversTagKey: "role", port: 443 };
        expect(appCopyProblems(valid)).toEqual([]);
        expect(appCopyProblems({ ...valid, tenant: "a", port: 70000, parameterKeys: ["adminPwd"] }).map((problem) => problem.split(":")[0])).toEqual([
            "tenant",
            "parameters",
            "port",
        ]);
    });

    it.each([
        ["tenantId", false],
        ["databaseHost", false],
        ["filesBucket", false],
        ["secretName", false],
        ["databasePassword", true],
        ["api_token", true],
        ["SMTP-Credentials", true],
        ["licenseKey", false],
        ["privateKey", true],
    ])("GIVEN the parameter key %s WHEN checked THEN it is refused: %s", (key, refused) => {
        const problems = appCopyProblems({ tenant: "acme", instanceCount: 1, parameterKeys: [key], serversTagKey: "role", port: 443 });
        expect(problems.length > 0).toBe(refused);
    });

    it.each([
        ["acme", "acme-app-copy"],
        ["initech-eu", "initech-eu-app-copy"],
    ])("GIVEN the tenant %s WHEN the association is named THEN it is %s", (tenant, expected) => {
        const name = associationNameFor(tenant);
        expect(name).toBe(expected);
        // SSM association names: 3 to 128 of letters, digits, `_`, `-` and `.`.
        expect(name).toMatch(/^[a-zA-Z0-9_.-]{3,128}$/);
    });
});

describe("the wait for an install on the shared servers", () => {
    it.each([
        [1, 1200],
        [2, 2100],
        [10, 9300],
    ])("GIVEN %i servers WHEN the wait is computed THEN it is %i s: each server's step timeout in turn, plus the agents' pickup", (servers, seconds) => {
        expect(installWaitSeconds(servers)).toBe(seconds);
        expect(installWaitSeconds(servers)).toBe(servers * APP_INSTALL_STEP_TIMEOUT_SECONDS + 300);
    });

    it.each([0, -1, 1.5])("GIVEN %s servers WHEN an install is checked THEN it is refused, naming serverCount", (serverCount) => {
        expect(appInstallProblems({ tenant: "acme", parameterKeys: [], serversTagKey: "role", serverCount })).toEqual([
            `serverCount: ${serverCount} is not allowed; expected the number of shared servers the tag selects, a whole number from 1`,
        ]);
    });
});
