// Least privilege of the servers' data grants: the pure policies (identity, bucket, secret), read by
// a small IAM matcher that is itself table-tested, and the graph ServerDataAccess registers.

import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";

import { masterSecretPolicy } from "../../components/database";
import { filesBucketPolicy, tlsOnlyBucketPolicy } from "../../components/files-bucket";
import { ServerDataAccess, ServerDataGrant, serverDataGrantProblems, serverDataPolicy } from "../../components/server-data-access";
import { ofType, planProgram } from "../helpers";
import { allowedResources, identityAllows, resourcePolicyAllows, wildcardMatches } from "../iam";

const ACCOUNT = "123456789012";
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0b3fdc3a-0000-4000-a000-053dd74b0000`;
const OTHER_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/ffffffff-0000-4000-a000-ffffffffffff`;
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-3dd15b8c-8154-476b-a3fc-9ccdbd446e0e-6fd916`;
const OTHER_SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-8bc2c127-9540-4b1c-a3fe-66f1c5805904-ef0844`;
const BUCKET = "arn:aws:s3:::acme-files-bucket-7f92d4a";
const OTHER_BUCKET = "arn:aws:s3:::acme-corp-files-bucket-0764377";
const SHARED = "arn:aws:s3:::platform-eu-west-1-files-bucket-80bb8ef";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/platform-eu-west-1-servers-role-1f68cef`;
const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/acme-servers-role-0a0a0a0`;

describe("the IAM matcher the least-privilege tests rely on", () => {
    it.each([
        ["arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", true],
        ["arn:aws:s3:::b/*", "arn:aws:s3:::b", false],
        ["arn:aws:s3:::b/tenants/acme/*", "arn:aws:s3:::b/tenants/acme-corp/x", false],
        ["arn:aws:s3:::b/tenants/acme/*", "arn:aws:s3:::b/tenants/acme/x", true],
        ["arn:aws:s3:::b", "arn:aws:s3:::bb", false],
        ["arn:aws:s3:::b?", "arn:aws:s3:::bb", true],
        ["*", "arn:aws:secretsmanager:eu-west-1:1:secret:x", true],
        ["arn:aws:secretsmanager:*:*:secret:rds!db-*", "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-x", true],
        ["arn:aws:s3:::a.b", "arn:aws:s3:::axb", false],
    ])("GIVEN pattern %s WHEN matched against %s THEN %s", (pattern, value, expected) => {
        expect(wildcardMatches(pattern, value)).toBe(expected);
    });

    it("GIVEN actions WHEN matched THEN case-insensitively and with wildcards, NotAction and NotResource inverted", () => {
        const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, Action: "S3:Get*", Resource: "arn:aws:s3:::b/*" }] };
        expect(identityAllows(policy, "s3:GetObject", "arn:aws:s3:::b/k")).toBe(true);
        expect(identityAllows(policy, "s3:PutObject", "arn:aws:s3:::b/k")).toBe(false);
        const inverted = { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, NotAction: "iam:*", NotResource: "arn:aws:s3:::b/*" }] };
        expect(identityAllows(inverted, "s3:GetObject", "arn:aws:s3:::c/k")).toBe(true);
        expect(identityAllows(inverted, "s3:GetObject", "arn:aws:s3:::b/k")).toBe(false);
        expect(identityAllows(inverted, "iam:PassRole", "arn:aws:s3:::c/k")).toBe(false);
        expect(allowedResources(inverted)).toEqual(["NotResource"]);
    });

    it("GIVEN a resource policy WHEN read THEN only the named principals (or *) are allowed", () => {
        const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, Principal: { AWS: [ROLE] }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] };
        expect(resourcePolicyAllows(policy, ROLE, "s3:GetObject", "arn:aws:s3:::b/k")).toBe(true);
        expect(resourcePolicyAllows(policy, OTHER_ROLE, "s3:GetObject", "arn:aws:s3:::b/k")).toBe(false);
        const open = { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, Principal: "*" as const, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] };
        expect(resourcePolicyAllows(open, OTHER_ROLE, "s3:GetObject", "arn:aws:s3:::b/k")).toBe(true);
    });
});

describe("serverDataPolicy", () => {
    const own: ServerDataGrant = { bucketArn: BUCKET, bucketPrefix: "", secretArns: [SECRET], kmsKeyArn: KEY };

    it("GIVEN a tenant's own bucket and secret WHEN the policy is built THEN it allows them and nothing of another tenant", () => {
        const policy = serverDataPolicy(own);
        expect(identityAllows(policy, "s3:GetObject", `${BUCKET}/uploads/a.pdf`)).toBe(true);
        expect(identityAllows(policy, "s3:PutObject", `${BUCKET}/uploads/a.pdf`)).toBe(true);
        expect(identityAllows(policy, "s3:ListBucket", BUCKET)).toBe(true);
        expect(identityAllows(policy, "secretsmanager:GetSecretValue", SECRET)).toBe(true);
        expect(identityAllows(policy, "s3:GetObject", `${OTHER_BUCKET}/uploads/a.pdf`)).toBe(false);
        expect(identityAllows(policy, "s3:ListBucket", OTHER_BUCKET)).toBe(false);
        expect(identityAllows(policy, "secretsmanager:GetSecretValue", OTHER_SECRET)).toBe(false);
        expect(identityAllows(policy, "kms:Decrypt", OTHER_KEY)).toBe(false);
        // Nothing beyond data: no bucket policy, no secret change, no key administration.
        expect(identityAllows(policy, "s3:PutBucketPolicy", BUCKET)).toBe(false);
        expect(identityAllows(policy, "secretsmanager:PutSecretValue", SECRET)).toBe(false);
        expect(identityAllows(policy, "kms:CreateGrant", KEY)).toBe(false);
        expect(allowedResources(policy)).not.toContain("*");
    });

    it("GIVEN the key WHEN the policy is built THEN the role may use it only through S3 and Secrets Manager of the key's region", () => {
        const statement = (JSON.parse(serverDataPolicy(own)) as { Statement: Record<string, unknown>[] }).Statement.find((s) => s.Sid === "UseOwnKeyThroughServices");
        expect(statement).toEqual({
            Sid: "UseOwnKeyThroughServices",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: KEY,
            Condition: { StringEquals: { "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"] } },
        });
    });

    it("GIVEN a prefix of a shared bucket WHEN the policy is built THEN a tenant whose id extends it stays out", () => {
        const policy = serverDataPolicy({ bucketArn: SHARED, bucketPrefix: "tenants/acme/", secretArns: [], kmsKeyArn: KEY });
        expect(identityAllows(policy, "s3:GetObject", `${SHARED}/tenants/acme/a.pdf`)).toBe(true);
        expect(identityAllows(policy, "s3:GetObject", `${SHARED}/tenants/acme-corp/a.pdf`)).toBe(false);
        expect(identityAllows(policy, "s3:GetObject", `${SHARED}/tenants/other/a.pdf`)).toBe(false);
        const list = (JSON.parse(policy) as { Statement: Record<string, unknown>[] }).Statement.find((s) => s.Sid === "ListOwnFiles");
        expect(list?.Condition).toEqual({ StringLike: { "s3:prefix": ["tenants/acme/*"] } });
        expect((JSON.parse(policy) as { Statement: Record<string, unknown>[] }).Statement.map((s) => s.Sid)).not.toContain("ReadOwnDatabaseSecret");
    });

    it.each([
        [{ bucketArn: "arn:aws:s3:::*" }, 'bucketArn: "arn:aws:s3:::*" is not a bucket ARN; expected arn:aws:s3:::<bucket>'],
        [{ bucketPrefix: "tenants/acme" }, 'bucketPrefix: "tenants/acme" is not allowed; expected "" (the whole bucket) or a key prefix ending with "/" and without wildcards, such as "tenants/acme/"'],
        [{ bucketPrefix: "tenants/*/" }, 'bucketPrefix: "tenants/*/" is not allowed; expected "" (the whole bucket) or a key prefix ending with "/" and without wildcards, such as "tenants/acme/"'],
        [
            { secretArns: [`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-*`] },
            `secretArns[0]: "arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-*" is not a secret's full ARN; expected arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>, without wildcards`,
        ],
        [
            { kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/tenants/acme/data` },
            `kmsKeyArn: "arn:aws:kms:eu-west-1:${ACCOUNT}:alias/tenants/acme/data" is not a key ARN; expected arn:aws:kms:<region>:<account>:key/<id> (an alias is not a resource IAM matches)`,
        ],
    ])("GIVEN a grant with %j WHEN checked THEN it is refused, naming the field", (change, message) => {
        expect(serverDataGrantProblems({ ...own, ...change })).toEqual([message]);
    });

    it("GIVEN an exact grant WHEN checked THEN there is no problem", () => {
        expect(serverDataGrantProblems(own)).toEqual([]);
    });
});

describe("the resource policies a dedicated-saas tenant grants the shared servers", () => {
    it("GIVEN no app role WHEN the bucket policy is built THEN it is exactly the TLS-only policy", () => {
        expect(filesBucketPolicy(BUCKET, [])).toBe(tlsOnlyBucketPolicy(BUCKET));
    });

    it("GIVEN the shared servers' role WHEN the bucket policy is built THEN that role alone uses this bucket's objects, and TLS stays required", () => {
        const policy = filesBucketPolicy(BUCKET, [ROLE]);
        expect(resourcePolicyAllows(policy, ROLE, "s3:GetObject", `${BUCKET}/a.pdf`)).toBe(true);
        expect(resourcePolicyAllows(policy, ROLE, "s3:ListBucket", BUCKET)).toBe(true);
        expect(resourcePolicyAllows(policy, OTHER_ROLE, "s3:GetObject", `${BUCKET}/a.pdf`)).toBe(false);
        expect(resourcePolicyAllows(policy, ROLE, "s3:PutBucketPolicy", BUCKET)).toBe(false);
        expect(resourcePolicyAllows(policy, ROLE, "s3:GetObject", `${OTHER_BUCKET}/a.pdf`)).toBe(false);
        const sids = (JSON.parse(policy) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
        expect(sids).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "AppServersListFiles", "AppServersUseFiles"]);
    });

    it("GIVEN the shared servers' role WHEN the secret policy is built THEN that role reads this secret only", () => {
        const policy = masterSecretPolicy(SECRET, [ROLE]);
        expect(resourcePolicyAllows(policy, ROLE, "secretsmanager:GetSecretValue", SECRET)).toBe(true);
        expect(resourcePolicyAllows(policy, OTHER_ROLE, "secretsmanager:GetSecretValue", SECRET)).toBe(false);
        expect(resourcePolicyAllows(policy, ROLE, "secretsmanager:PutResourcePolicy", SECRET)).toBe(false);
        expect(resourcePolicyAllows(policy, ROLE, "secretsmanager:GetSecretValue", OTHER_SECRET)).toBe(false);
    });
});

describe("ServerDataAccess", () => {
    it("GIVEN a role, a bucket, a secret and a key WHEN planned THEN one inline policy on that role grants exactly them", async () => {
        const { plan } = await planProgram((provider) => {
            const opts = { provider };
            const role = new aws.iam.Role("servers-role", { assumeRolePolicy: "{}" }, opts);
            const key = new aws.kms.Key("key", {}, opts);
            const bucket = new aws.s3.Bucket("files", {}, opts);
            new ServerDataAccess("acme-servers-data", { roleName: role.name, bucketArn: bucket.arn, secretArns: [SECRET], kmsKeyArn: key.arn }, opts);
            return { roleName: role.name, bucketArn: bucket.arn, keyArn: key.arn };
        });
        const policies = ofType(plan.resources, "aws:iam/rolePolicy:RolePolicy");
        expect(policies.map((policy) => policy.name)).toEqual(["acme-servers-data-policy"]);
        expect(policies[0]!.parent).toBe("acme-servers-data");
        const { roleName, bucketArn, keyArn } = plan.outputs as Record<string, string>;
        expect(policies[0]!.inputs.role).toBe(roleName);
        expect(policies[0]!.inputs.policy).toBe(serverDataPolicy({ bucketArn: bucketArn!, bucketPrefix: "", secretArns: [SECRET], kmsKeyArn: keyArn! }));
    });
});
