// The rule "a script's AWS calls are reachable" (ssm-script-service-endpoint): the CLI-call reader
// table-tested, a compliant baseline with one change per case and the exact finding, then the rule
// over a planned physical tenant (its database setup calls Secrets Manager) with and without the
// endpoint.

import { beforeAll, describe, expect, it } from "vitest";

import { databaseSetupScript } from "../../components/database-server";
import { findingsOf } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { NETWORK_RULES } from "../../policy/rules/network";
import { awsCliServices, missingScriptServiceEndpoint } from "../../policy/rules/network/missingScriptServiceEndpoint";
import { PolicyResource, PolicySettings, PolicyStack } from "../../policy/rules/types";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { resolveTenant } from "../../stacks/config/tenant";
import { tenantAppDocument } from "../../stacks/platform";

const SETTINGS: PolicySettings = { operationsCidrs: ["10.15.64.0/19"], otherTenants: [] };
const REGION = "eu-west-1";
const VPC = "vpc-0c00000000000000a";
const OTHER_VPC = "vpc-0f00000000000000f";
const DATA_SUBNET = "subnet-0d0000000000000d0";
const INSTANCE = "i-0db00000000000001";
const SECRET_CALL = 'DB_PASSWORD=$(aws secretsmanager get-secret-value --region "$region" --secret-id "$SECRET_ARN" --query SecretString --output text)';

function resource(type: string, name: string, id: string, props: Record<string, unknown>): PolicyResource {
    return { type, name, id, parent: null, props, protect: false, retainOnDelete: false };
}
const endpoint = (service: string, props: Record<string, unknown> = {}) =>
    resource("aws:ec2/vpcEndpoint:VpcEndpoint", `acme-network-${service}-endpoint`, `vpce-${service.padEnd(17, "0").slice(0, 17)}`, {
        vpcId: VPC,
        serviceName: `com.amazonaws.${REGION}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        ...props,
    });
const s3Gateway = () => endpoint("s3", { vpcEndpointType: "Gateway", privateDnsEnabled: undefined, routeTableIds: ["rtb-0800000000000000a"] });

/** A physical tenant's database server and its setup association, as the program registers them. */
function baseline(commands: string = SECRET_CALL, endpoints: PolicyResource[] = [endpoint("secretsmanager"), endpoint("ssm"), s3Gateway()]): PolicyStack {
    return {
        stack: "acme",
        kind: "physical",
        resources: [
            resource("aws:ec2/vpc:Vpc", "acme-network-vpc", VPC, { cidrBlock: "10.60.0.0/16" }),
            resource("aws:ec2/subnet:Subnet", "acme-network-data-0", DATA_SUBNET, { vpcId: VPC, tags: { tier: "data" } }),
            resource("aws:ec2/instance:Instance", "acme-database-server-instance", INSTANCE, { subnetId: DATA_SUBNET }),
            resource("aws:ssm/association:Association", "acme-database-setup", "assoc-0001", {
                name: "AWS-RunShellScript",
                targets: [{ key: "InstanceIds", values: [INSTANCE] }],
                parameters: { commands, executionTimeout: "1800" },
            }),
            ...endpoints,
        ],
    };
}
const run = (stack: PolicyStack) => findingsOf(missingScriptServiceEndpoint, stack, SETTINGS);
const adding = (stack: PolicyStack, ...extra: PolicyResource[]): PolicyStack => ({ ...stack, resources: [...stack.resources, ...extra] });

describe("awsCliServices", () => {
    it.each([
        [SECRET_CALL, ["secretsmanager"]],
        ["aws s3 cp s3://b/k /tmp/k && aws s3api get-object --bucket b --key k /tmp/k", ["s3"]],
        ["aws --region eu-west-1 --output json kms decrypt --ciphertext-blob x", ["kms"]],
        ["aws --region=eu-west-1 sts get-caller-identity", ["sts"]],
        ["aws cloudwatch put-metric-data --namespace x; aws ecr get-login-password", ["ecr.api", "monitoring"]],
        ["aws ssm \\\n    get-parameter --name /x", ["ssm"]],
        ["# aws sqs send-message (commented out)\necho done", []],
        ["aws --endpoint-url https://vpce-1.sqs.eu-west-1.vpce.amazonaws.com sqs send-message", []],
        ["aws configure set region eu-west-1", []],
        ["/opt/itm/bin/itm-tenant configure --database-secret-arn x; echo 'laws and flaws'; dnf install -y awscli-2", []],
        ["result=`aws sts get-caller-identity`", ["sts"]],
    ])("GIVEN %j WHEN read THEN it calls %j", (script, services) => {
        expect(awsCliServices(script)).toEqual(services);
    });

    it("GIVEN the physical database setup script WHEN read THEN its only AWS call is Secrets Manager", () => {
        const script = databaseSetupScript({
            engineVersion: "16",
            port: 5432,
            listenAddress: "10.60.32.10",
            clientCidr: "10.60.0.0/16",
            secretArn: `arn:aws:secretsmanager:${REGION}:123456789012:secret:acme-database-master-secret-abcdef`,
            databaseName: "itm",
            masterUsername: "itm_admin",
        });
        expect(awsCliServices(script)).toEqual(["secretsmanager"]);
    });

    it("GIVEN the platform's tenant document WHEN read THEN it calls no AWS service through the CLI (the app's installer reads its secret itself)", () => {
        const content = JSON.parse(tenantAppDocument()) as { mainSteps: { inputs: { runCommand: string[] } }[] };
        expect(awsCliServices(content.mainSteps.flatMap((step) => step.inputs.runCommand).join("\n"))).toEqual([]);
    });
});

describe("ssm-script-service-endpoint", () => {
    it("GIVEN the rule WHEN listed THEN it is a mandatory network rule with a name, a description and a why", () => {
        expect(NETWORK_RULES).toContain(missingScriptServiceEndpoint);
        expect(missingScriptServiceEndpoint.name).toBe("ssm-script-service-endpoint");
        expect(missingScriptServiceEndpoint.enforcement).toBe("mandatory");
    });

    it("GIVEN a setup script and the endpoints it calls WHEN checked THEN nothing is found", () => {
        expect(run(baseline())).toEqual([]);
        expect(run(baseline(`${SECRET_CALL}\naws s3 cp s3://b/k /tmp/k`))).toEqual([]);
    });

    it("GIVEN no Secrets Manager endpoint WHEN checked THEN the association is reported", () => {
        expect(run(baseline(SECRET_CALL, [endpoint("ssm"), s3Gateway()]))).toEqual([
            {
                resource: "acme-database-setup",
                message: 'runs "aws secretsmanager" in VPC acme-network-vpc, which has no interface endpoint with private DNS for com.amazonaws.<region>.secretsmanager',
            },
        ]);
    });

    it("GIVEN the endpoint without private DNS WHEN checked THEN the association is reported (the CLI's host name would not lead to it)", () => {
        expect(run(baseline(SECRET_CALL, [endpoint("secretsmanager", { privateDnsEnabled: false })])).map((finding) => finding.resource)).toEqual(["acme-database-setup"]);
    });

    it("GIVEN the endpoint in another VPC WHEN checked THEN the association is reported", () => {
        expect(run(baseline(SECRET_CALL, [endpoint("secretsmanager", { vpcId: OTHER_VPC })])).map((finding) => finding.resource)).toEqual(["acme-database-setup"]);
    });

    it("GIVEN an S3 call and no S3 endpoint WHEN checked THEN it is reported as needing the gateway endpoint", () => {
        expect(run(baseline("aws s3 cp s3://b/k /tmp/k", [endpoint("secretsmanager")]))).toEqual([
            { resource: "acme-database-setup", message: 'runs "aws s3" in VPC acme-network-vpc, which has neither a gateway nor an interface endpoint for com.amazonaws.<region>.s3' },
        ]);
    });

    it("GIVEN a Command document whose runCommand calls a service without endpoint WHEN checked THEN the document is reported", () => {
        const document = resource("aws:ssm/document:Document", "acme-tenant-app", "acme-tenant-app", {
            documentType: "Command",
            content: JSON.stringify({ schemaVersion: "2.2", mainSteps: [{ action: "aws:runShellScript", name: "x", inputs: { runCommand: ["aws sqs send-message --queue-url q --message-body m"] } }] }),
        });
        expect(run(adding(baseline(), document))).toEqual([
            { resource: "acme-tenant-app", message: 'runs "aws sqs" in VPC acme-network-vpc, which has no interface endpoint with private DNS for com.amazonaws.<region>.sqs' },
        ]);
    });

    it("GIVEN user data that calls a service without endpoint WHEN checked THEN the instance is reported", () => {
        const stack = baseline();
        const withUserData = { ...stack, resources: stack.resources.map((r) => (r.type === "aws:ec2/instance:Instance" ? { ...r, props: { ...r.props, userData: "#!/bin/bash\naws logs create-log-stream" } } : r)) };
        expect(run(withUserData)).toEqual([
            { resource: "acme-database-server-instance", message: 'runs "aws logs" in VPC acme-network-vpc, which has no interface endpoint with private DNS for com.amazonaws.<region>.logs' },
        ]);
    });

    it("GIVEN a script in a stack without any VPC WHEN checked THEN it is reported as not checkable, never passed", () => {
        const association = baseline().resources.find((r) => r.type === "aws:ssm/association:Association")!;
        expect(run({ stack: "acme", kind: "physical", resources: [{ ...association, props: { ...association.props, targets: [{ key: "tag:PatchGroup", values: ["x"] }] } }] })).toEqual([
            { resource: "acme-database-setup", message: "calls AWS (secretsmanager) but runs on servers of no VPC of this stack: its endpoints cannot be checked here" },
        ]);
    });
});

describe("ssm-script-service-endpoint on a planned physical tenant", () => {
    let document: PlanDocument;
    beforeAll(async () => {
        const vault = resolveTenant(
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
            "fixtures/vault.yaml",
        );
        document = await planFleet({ tenants: [vault], platformRegions: [REGION] });
        expect(document.errors).toEqual([]);
    });

    it("GIVEN the planned stacks WHEN checked THEN the database setup reaches Secrets Manager and nothing is found", () => {
        for (const plan of document.tenants) {
            expect(findingsOf(missingScriptServiceEndpoint, stackFromPlan(plan), settingsFor(plan, document)), plan.tenant).toEqual([]);
        }
    });

    it("GIVEN the planned physical tenant without its Secrets Manager endpoint WHEN checked THEN its database setup is reported", () => {
        const plan = document.tenants.find((candidate) => candidate.tenant === "vault")!;
        const stack = stackFromPlan(plan);
        const without = { ...stack, resources: stack.resources.filter((r) => r.name !== "vault-network-secretsmanager-endpoint") };
        expect(findingsOf(missingScriptServiceEndpoint, without, settingsFor(plan, document))).toEqual([
            {
                resource: "vault-database-setup",
                message: 'runs "aws secretsmanager" in VPC vault-network-vpc, which has no interface endpoint with private DNS for com.amazonaws.<region>.secretsmanager',
            },
        ]);
    });
});
