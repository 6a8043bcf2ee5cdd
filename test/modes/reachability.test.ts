// What the servers of each mode can reach, on the planned graphs of a fixture fleet (platform,
// saas, dedicated-saas, physical, cloud planned together, so every StackReference reads the planned
// platform): their own data and nobody else's, the endpoints their scripts call, and installs the
// deployment waits for.

import { beforeAll, describe, expect, it } from "vitest";

import { APP_INSTALL_STEP_TIMEOUT_SECONDS, installWaitSeconds } from "../../components/app-install";
import { PlannedResource } from "../../scripts/lib/plan/engine";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { PLATFORM_DEFAULTS } from "../../stacks/config/platform-settings";
import { byId, ofType, stackOf, T } from "../graph";
import { allowedResources, identityAllows, resourcePolicyAllows } from "../iam";

const REGION = "eu-west-1";
const DOCS: TenantDocument[] = [
    { tenant: "solo", company: "Solo", mode: "saas", region: REGION },
    { tenant: "stark", company: "Stark", mode: "dedicated-saas", region: REGION, domain: { subdomain: "stark" } },
    { tenant: "wayne", company: "Wayne", mode: "dedicated-saas", region: REGION, environment: "demo", domain: { own: "pm.wayne.example" } },
    {
        tenant: "vault",
        company: "Vault",
        mode: "physical",
        region: REGION,
        domain: { own: "pm.vault.example" },
        network: { cidr: "10.60.0.0/16" },
        compute: { instanceType: "m6i.xlarge", instances: 2 },
        database: { instanceClass: "db.r6g.large", storageGiB: 100 },
    },
    { tenant: "cloudy", company: "Cloudy", mode: "cloud", region: REGION, domain: { subdomain: "cloudy" }, network: { cidr: "10.61.0.0/16" } },
];
const tenants: Tenant[] = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
const PLATFORM = `platform-${REGION}`;

let document: PlanDocument;
beforeAll(async () => {
    document = await planFleet({ tenants, platformRegions: [REGION] });
    expect(document.errors).toEqual([]);
});

const planOf = (id: string): TenantPlan => stackOf(document, id);
function one(plan: TenantPlan, type: string, name: string): PlannedResource {
    const found = ofType(plan, type).filter((resource) => resource.name === name);
    expect(found, `${type} ${name}`).toHaveLength(1);
    return found[0]!;
}
const ROLE_POLICY = T.rolePolicy;
const bucketArnOf = (plan: TenantPlan, name: string) => `arn:aws:s3:::${String(one(plan, T.bucket, name).inputs.bucket)}`;

/** The data grant of a stack's servers: its policy document and the role it is attached to. */
function dataGrant(stack: string): { policy: string; role: PlannedResource; secretArns: string[] } {
    const plan = planOf(stack);
    const grant = one(plan, ROLE_POLICY, `${stack}-servers-data-policy`);
    const role = one(plan, "aws:iam/role:Role", `${stack}-servers-role`);
    // The policy is attached to the servers' own role, by name.
    expect(grant.inputs.role).toBe(role.inputs.name ?? role.id);
    const policy = String(grant.inputs.policy);
    const statement = (JSON.parse(policy) as { Statement: { Sid: string; Resource: string[] }[] }).Statement.find((s) => s.Sid === "ReadOwnDatabaseSecret");
    return { policy, role, secretArns: statement?.Resource ?? [] };
}

describe("every server role reaches its own data and nobody else's", () => {
    const OWNERS = ["cloudy", "vault", PLATFORM] as const;
    const files = (stack: string) => bucketArnOf(planOf(stack), `${stack}-files-bucket`);

    it.each(OWNERS)("GIVEN the servers of %s WHEN their role's data policy is read THEN it names exact ARNs of its own bucket and database secret", (stack) => {
        const { policy, secretArns } = dataGrant(stack);
        expect(allowedResources(policy)).not.toContain("*");
        expect(identityAllows(policy, "s3:GetObject", `${files(stack)}/uploads/a.pdf`)).toBe(true);
        expect(identityAllows(policy, "s3:PutObject", `${files(stack)}/uploads/a.pdf`)).toBe(true);
        expect(secretArns).toHaveLength(1);
        expect(identityAllows(policy, "secretsmanager:GetSecretValue", secretArns[0]!)).toBe(true);
    });

    it.each(OWNERS.flatMap((stack) => OWNERS.filter((other) => other !== stack).map((other) => [stack, other] as const)))(
        "GIVEN the servers of %s WHEN asked for %s's bucket or secret THEN their role is denied",
        (stack, other) => {
            const { policy } = dataGrant(stack);
            expect(identityAllows(policy, "s3:GetObject", `${files(other)}/uploads/a.pdf`)).toBe(false);
            expect(identityAllows(policy, "s3:ListBucket", files(other))).toBe(false);
            expect(identityAllows(policy, "secretsmanager:GetSecretValue", dataGrant(other).secretArns[0]!)).toBe(false);
        },
    );

    it("GIVEN a dedicated-saas tenant WHEN the servers' roles are read THEN no dedicated tenant's role reaches its bucket or secret", () => {
        const stark = planOf("stark");
        const secretPolicy = one(stark, "aws:secretsmanager/secretPolicy:SecretPolicy", "stark-database-secret-policy");
        for (const stack of ["cloudy", "vault"]) {
            const { policy } = dataGrant(stack);
            expect(identityAllows(policy, "s3:GetObject", `${bucketArnOf(stark, "stark-files-bucket")}/a.pdf`)).toBe(false);
            expect(identityAllows(policy, "secretsmanager:GetSecretValue", String(secretPolicy.inputs.secretArn))).toBe(false);
        }
    });
});

describe("dedicated-saas: the tenant's stack grants the shared servers its own data", () => {
    const sharedRole = () => String(planOf(PLATFORM).outputs.appServersRoleArn);

    it("GIVEN the platform WHEN planned THEN it outputs its servers' role ARN", () => {
        const role = one(planOf(PLATFORM), "aws:iam/role:Role", `${PLATFORM}-servers-role`);
        expect(sharedRole()).toMatch(/^arn:aws:iam::\d{12}:role\//);
        expect(sharedRole()).toBe(`arn:aws:iam::${sharedRole().split(":")[4]}:role/${String(role.inputs.name ?? role.id)}`);
    });

    it.each(["stark", "wayne"])("GIVEN %s WHEN planned THEN its database secret's policy lets the shared servers' role read that secret only", (stack) => {
        const plan = planOf(stack);
        const secretPolicy = one(plan, "aws:secretsmanager/secretPolicy:SecretPolicy", `${stack}-database-secret-policy`);
        const secretArn = String(secretPolicy.inputs.secretArn);
        // The secret the copy reads (its install's parameter) is the one the policy opens.
        const install = one(plan, "aws:ssm/association:Association", `${stack}-app-install`);
        expect((install.inputs.parameters as Record<string, string>).databaseSecretArn).toBe(secretArn);
        expect(secretPolicy.inputs.blockPublicPolicy).toBe(true);
        const policy = String(secretPolicy.inputs.policy);
        expect(resourcePolicyAllows(policy, sharedRole(), "secretsmanager:GetSecretValue", secretArn)).toBe(true);
        const cloudyRole = `arn:aws:iam::${sharedRole().split(":")[4]}:role/${String(dataGrant("cloudy").role.inputs.name ?? dataGrant("cloudy").role.id)}`;
        expect(resourcePolicyAllows(policy, cloudyRole, "secretsmanager:GetSecretValue", secretArn)).toBe(false);
        expect(allowedResources(policy)).toEqual([secretArn]);
    });

    it.each(["stark", "wayne"])("GIVEN %s WHEN planned THEN its files bucket's policy lets the shared servers' role use its objects, over TLS only", (stack) => {
        const plan = planOf(stack);
        const bucketArn = bucketArnOf(plan, `${stack}-files-bucket`);
        const bucketPolicy = one(plan, "aws:s3/bucketPolicy:BucketPolicy", `${stack}-files-tls-only`);
        const policy = String(bucketPolicy.inputs.policy);
        expect(resourcePolicyAllows(policy, sharedRole(), "s3:GetObject", `${bucketArn}/a.pdf`)).toBe(true);
        expect(resourcePolicyAllows(policy, sharedRole(), "s3:ListBucket", bucketArn)).toBe(true);
        const other = stack === "stark" ? "wayne" : "stark";
        expect(resourcePolicyAllows(policy, sharedRole(), "s3:GetObject", `${bucketArnOf(planOf(other), `${other}-files-bucket`)}/a.pdf`)).toBe(false);
        const sids = (JSON.parse(policy) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
        expect(sids.slice(0, 2)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
    });

    it("GIVEN a dedicated-saas tenant's key WHEN planned THEN callers of the account use it through Secrets Manager and S3 (the shared role included), and nobody else directly", () => {
        const plan = planOf("stark");
        const dataKey = one(plan, T.kmsKey, "stark-keys-data");
        const statements = (JSON.parse(String(dataKey.inputs.policy)) as { Statement: { Sid: string; Principal: unknown; Condition?: Record<string, Record<string, unknown>> }[] }).Statement;
        const viaServices = statements.find((s) => s.Sid === "UseThroughAwsServices");
        expect(viaServices?.Condition?.StringEquals?.["kms:ViaService"]).toEqual(expect.arrayContaining([`secretsmanager.${REGION}.amazonaws.com`, `s3.${REGION}.amazonaws.com`]));
        expect(viaServices?.Condition?.StringEquals?.["kms:CallerAccount"]).toBe(sharedRole().split(":")[4]);
        const direct = statements.find((s) => s.Sid === "UseByTenantAndOperationsRoles");
        expect(JSON.stringify(direct?.Principal)).not.toContain(sharedRole());
    });

    it("GIVEN dedicated-saas and saas tenants WHEN planned THEN none adds a policy to the shared servers' role", () => {
        for (const stack of ["stark", "wayne", "solo"]) {
            expect(ofType(planOf(stack), ROLE_POLICY).filter((policy) => String(policy.inputs.role).includes(PLATFORM))).toEqual([]);
            expect(ofType(planOf(stack), "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => String(a.inputs.role).includes(PLATFORM))).toEqual([]);
        }
    });
});

describe("the app installs on the shared servers are awaited", () => {
    it.each([
        ["solo", "solo-app"],
        ["stark", "stark-app-install"],
    ])("GIVEN %s WHEN planned THEN `up` waits for its install on every shared server, one at a time", (stack, name) => {
        const association = one(planOf(stack), "aws:ssm/association:Association", name);
        expect(association.inputs.maxConcurrency).toBe("1");
        expect(association.inputs.waitForSuccessTimeoutSeconds).toBe(PLATFORM_DEFAULTS.appServerCount * APP_INSTALL_STEP_TIMEOUT_SECONDS + 300);
        expect(association.inputs.waitForSuccessTimeoutSeconds).toBe(installWaitSeconds(PLATFORM_DEFAULTS.appServerCount));
    });

    it("GIVEN the platform's tenant document WHEN planned THEN its step's timeout is the one the wait is computed from", () => {
        const content = JSON.parse(String(one(planOf(PLATFORM), "aws:ssm/document:Document", `${PLATFORM}-tenant-app`).inputs.content)) as {
            mainSteps: { inputs: { timeoutSeconds: string } }[];
        };
        expect(content.mainSteps.map((step) => step.inputs.timeoutSeconds)).toEqual([String(APP_INSTALL_STEP_TIMEOUT_SECONDS)]);
    });
});

describe("physical: the database server reaches Secrets Manager from the data tier", () => {
    const plan = () => planOf("vault");

    it("GIVEN a physical tenant WHEN planned THEN its VPC has a Secrets Manager interface endpoint with private DNS, in the admin tier, admitting HTTPS from the VPC", () => {
        const vpc = one(plan(), "aws:ec2/vpc:Vpc", "vault-network-vpc");
        const endpoint = one(plan(), "aws:ec2/vpcEndpoint:VpcEndpoint", "vault-network-secretsmanager-endpoint");
        expect(endpoint.inputs).toMatchObject({ vpcId: vpc.id, serviceName: `com.amazonaws.${REGION}.secretsmanager`, vpcEndpointType: "Interface", privateDnsEnabled: true });
        const tiers = (endpoint.inputs.subnetIds as string[]).map((id) => (byId(plan(), id)?.inputs.tags as Record<string, string>).tier);
        expect(tiers).toEqual(["admin", "admin"]);
        const [groupId] = endpoint.inputs.securityGroupIds as string[];
        const ingress = ofType(plan(), T.ingress).filter((rule) => rule.inputs.securityGroupId === groupId);
        expect(ingress.map((rule) => [rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrIpv4])).toEqual([[443, 443, "10.60.0.0/16"]]);
    });

    it("GIVEN the database server WHEN planned THEN its data-tier interface may open HTTPS to the VPC, where the endpoint is", () => {
        const instance = one(plan(), T.instance, "vault-database-server-instance");
        expect((byId(plan(), instance.inputs.subnetId)?.inputs.tags as Record<string, string>).tier).toBe("data");
        const groups = instance.inputs.vpcSecurityGroupIds as string[];
        const egress = ofType(plan(), "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((rule) => groups.includes(String(rule.inputs.securityGroupId)));
        expect(egress.map((rule) => [rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrIpv4])).toContainEqual([443, 443, "10.60.0.0/16"]);
    });

    it("GIVEN the database setup WHEN planned THEN the server's role reads exactly the secret the script reads, and no other tenant's", () => {
        const association = one(plan(), "aws:ssm/association:Association", "vault-database-setup");
        const script = String((association.inputs.parameters as Record<string, string>).commands);
        const secretArn = /SECRET_ARN='([^']+)'/.exec(script)?.[1];
        expect(secretArn).toMatch(/^arn:aws:secretsmanager:/);
        // Every AWS call of the script: Secrets Manager alone, through the endpoint above.
        expect([...script.matchAll(/(?:^|[\s(;|&])aws\s+([a-z0-9-]+)/gm)].map((match) => match[1])).toEqual(["secretsmanager"]);
        const policy = String(one(plan(), ROLE_POLICY, "vault-database-secret-access").inputs.policy);
        expect(identityAllows(policy, "secretsmanager:GetSecretValue", secretArn!)).toBe(true);
        expect(identityAllows(policy, "secretsmanager:GetSecretValue", dataGrant("cloudy").secretArns[0]!)).toBe(false);
        expect(allowedResources(policy)).not.toContain("*");
        expect(association.inputs.waitForSuccessTimeoutSeconds).toBe(1800);
    });
});
