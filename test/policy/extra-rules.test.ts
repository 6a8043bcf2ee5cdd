// Rules added after a mutation run over the example plans showed breaks nothing caught: a public
// database, secret material in clear text, a physical tenant's instance off its dedicated host.

import { describe, expect, it } from "vitest";

import { disallowPlaintextSecrets, isSecretInput } from "../../policy/rules/data/disallowPlaintextSecrets";
import { findingsOf } from "../../policy/rules/evaluate";
import { disallowPublicDatabase } from "../../policy/rules/network/disallowPublicDatabase";
import { enforceDedicatedHostTenancy } from "../../policy/rules/network/enforceDedicatedHostTenancy";
import { PolicyResource, PolicySettings, PolicyStack, StackKind } from "../../policy/rules/types";

const SETTINGS: PolicySettings = { operationsCidrs: ["10.15.64.0/19"], otherTenants: [] };

function resource(type: string, name: string, props: Record<string, unknown>, id = `${name}-id`): PolicyResource {
    return { type, name, id, parent: null, props, protect: false, retainOnDelete: false };
}

function stack(kind: StackKind, resources: PolicyResource[]): PolicyStack {
    return { stack: "vault", kind, resources };
}

describe("rds-instance-not-public", () => {
    const db = (props: Record<string, unknown>) => stack("cloud", [resource("aws:rds/instance:Instance", "vault-database-db", props)]);

    it.each([[{ publiclyAccessible: false }], [{}]])("GIVEN %j WHEN checked THEN compliant", (props) => {
        expect(findingsOf(disallowPublicDatabase, db(props), SETTINGS)).toEqual([]);
    });

    it("GIVEN a publicly accessible database WHEN checked THEN it is reported", () => {
        expect(findingsOf(disallowPublicDatabase, db({ publiclyAccessible: true }), SETTINGS)).toEqual([
            { resource: "vault-database-db", message: "publiclyAccessible is true; expected false (the database answers the application servers only)" },
        ]);
    });
});

describe("any-resource-no-clear-text-secret", () => {
    const BASELINE = stack("vpn", [
        resource("aws:ec2/vpnConnection:VpnConnection", "vault-vpn-connection", { tunnel1PresharedKey: "[secret]", tunnel2PresharedKey: "[secret]", tunnel1IkeVersions: ["ikev2"] }),
        resource("aws:secretsmanager/secretVersion:SecretVersion", "vault-db-secret-version", { secretId: "arn:aws:secretsmanager:x", secretString: "[secret]" }),
        resource("aws:ssm/association:Association", "vault-app", { parameters: { databaseSecretArn: "arn:aws:secretsmanager:eu-west-1:1:secret:x", tenant: "vault" } }),
        resource("aws:rds/instance:Instance", "vault-db", { manageMasterUserPassword: true, masterUserSecretKmsKeyId: "arn:aws:kms:x:1:key/k" }),
    ]);

    it("GIVEN secrets as the plan shows them and references to secrets WHEN checked THEN compliant", () => {
        expect(findingsOf(disallowPlaintextSecrets, BASELINE, SETTINGS)).toEqual([]);
    });

    it.each<[string, PolicyResource, string]>([
        ["a clear pre-shared key", resource("aws:ec2/vpnConnection:VpnConnection", "x", { tunnel1PresharedKey: "abcdefgh123" }), "tunnel1PresharedKey"],
        ["a clear directory password", resource("aws:directoryservice/directory:Directory", "x", { password: "hunter2", name: "corp.example" }), "password"],
        ["a clear secret string", resource("aws:secretsmanager/secretVersion:SecretVersion", "x", { secretString: '{"password":"p"}' }), "secretString"],
        ["a clear private key in a nested input", resource("aws:acm/certificate:Certificate", "x", { options: { privateKeyPem: "-----BEGIN" } }), "options.privateKeyPem"],
        ["a clear database password", resource("aws:rds/instance:Instance", "x", { password: "p4ssw0rd" }), "password"],
        ["a numeric password", resource("aws:directoryservice/directory:Directory", "x", { password: 12345678 }), "password"],
        ["an API key", resource("aws:ssm/association:Association", "x", { parameters: { apiKey: "k-123" } }), "parameters.apiKey"],
        ["a secret access key", resource("aws:ssm/association:Association", "x", { parameters: { secretAccessKey: "s" } }), "parameters.secretAccessKey"],
        ["a key passphrase", resource("aws:ssm/association:Association", "x", { parameters: { passphrase: "open sesame" } }), "parameters.passphrase"],
        ["a PEM private key in user data", resource("aws:ec2/instance:Instance", "x", { userData: "#!/bin/sh\ncat > /k <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nEOF\n" }), "userData"],
        ["an AWS access key in a tag", resource("aws:ec2/instance:Instance", "x", { tags: { Note: "use AKIAIOSFODNN7EXAMPLE" } }), "tags.Note"],
        ["an AWS secret access key set in a script", resource("aws:ec2/instance:Instance", "x", { userData: "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG" }), "userData"],
    ])("GIVEN %s WHEN checked THEN it is reported by its path, never by its value", (_, planted, path) => {
        const findings = findingsOf(disallowPlaintextSecrets, stack("vpn", [...BASELINE.resources, planted]), SETTINGS);
        expect(findings).toEqual([{ resource: "x", message: `${path} holds a value in clear text; expected a Pulumi secret ("[secret]" in the plan)` }]);
    });

    it("GIVEN stack outputs WHEN checked THEN a clear secret-named or secret-shaped output is reported on the stack, a placeholder and a certificate are not", () => {
        const withOutputs = { ...BASELINE, outputs: { vpnPresharedKeys: ["[secret]", "[secret]"], certificatePem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", adminPassword: "hunter2", client: { key: "-----BEGIN PRIVATE KEY-----\nMIIE" } } };
        expect(findingsOf(disallowPlaintextSecrets, withOutputs, SETTINGS)).toEqual([
            { resource: "vault", message: 'output adminPassword holds a value in clear text; expected a Pulumi secret ("[secret]" in the plan)' },
            { resource: "vault", message: 'output client.key holds a value in clear text; expected a Pulumi secret ("[secret]" in the plan)' },
        ]);
    });

    it("GIVEN booleans and numbers under names that end in a secret word but are settings WHEN checked THEN compliant", () => {
        const settings = stack("cloud", [resource("aws:rds/instance:Instance", "x", { manageMasterUserPassword: true, passwordMinLength: 14, iamDatabaseAuthenticationEnabled: false })]);
        expect(findingsOf(disallowPlaintextSecrets, settings, SETTINGS)).toEqual([]);
    });

    it.each([["password", true], ["tunnel1PresharedKey", true], ["caPrivateKeyPem", true], ["secret_string", true], ["databaseSecretArn", false], ["httpTokens", false], ["masterUserSecretKmsKeyId", false]])(
        "GIVEN the input %s WHEN named THEN secret material: %s",
        (key, expected) => {
            expect(isSecretInput(key)).toBe(expected);
        },
    );

    it("GIVEN the rule WHEN wrapped for CrossGuard THEN it is offline-only, with the reason", () => {
        expect(disallowPlaintextSecrets.offlineOnly).toMatch(/plaintext/);
    });
});

describe("ec2-instance-dedicated-host", () => {
    const host = resource("aws:ec2/dedicatedHost:DedicatedHost", "vault-host-host", { instanceFamily: "m6i" }, "h-0aaaaaaaaaaaaaaaa");
    const instance = (name: string, props: Record<string, unknown>) => resource("aws:ec2/instance:Instance", name, props);
    const BASELINE = [host, instance("vault-servers-0-instance", { tenancy: "host", hostId: "h-0aaaaaaaaaaaaaaaa" }), instance("vault-database-server-instance", { tenancy: "host", hostId: "h-0aaaaaaaaaaaaaaaa" })];

    it("GIVEN every instance on the stack's host WHEN checked THEN compliant", () => {
        expect(findingsOf(enforceDedicatedHostTenancy, stack("physical", BASELINE), SETTINGS)).toEqual([]);
    });

    it("GIVEN an instance on shared tenancy, and one on a host of somebody else WHEN checked THEN both are reported", () => {
        const resources = [...BASELINE, instance("vault-servers-1-instance", {}), instance("vault-servers-2-instance", { tenancy: "host", hostId: "h-0bbbbbbbbbbbbbbbb" })];
        expect(findingsOf(enforceDedicatedHostTenancy, stack("physical", resources), SETTINGS)).toEqual([
            { resource: "vault-servers-1-instance", message: 'tenancy is "default"; expected "host", on the stack\'s dedicated host' },
            { resource: "vault-servers-2-instance", message: 'hostId "h-0bbbbbbbbbbbbbbbb" is no dedicated host of this stack' },
        ]);
    });

    it("GIVEN a cloud stack with shared tenancy WHEN checked THEN not applicable", () => {
        expect(findingsOf(enforceDedicatedHostTenancy, stack("cloud", [instance("acme-servers-0-instance", {})]), SETTINGS)).toEqual([]);
    });
});
