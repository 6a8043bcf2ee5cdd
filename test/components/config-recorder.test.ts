import { describe, expect, it } from "vitest";

import { AWS_CONFIG_ROLE_POLICY_ARN, ConfigRecorder, configDeliveryPolicy, configRecorderArgsProblems } from "../../components/config-recorder";
import { configRecorderProblems } from "../../scripts/lib/plan/config-recorders";
import { PLAN_ACCOUNT_ID } from "../../scripts/lib/plan/mocks";
import { PlannedResource } from "../../scripts/lib/plan/engine";
import { named, ofType, planProgram } from "../helpers";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";

describe("ConfigRecorder", () => {
    it("GIVEN a key WHEN planned THEN a recorder of every supported type, continuously, its delivery channel to its own encrypted bucket, and the recorder switched on, in AWS's order", async () => {
        const { plan } = await planProgram((provider) => {
            new ConfigRecorder("platform-eu-west-1-config", { recorderName: "platform-eu-west-1", kmsKeyArn: KEY }, { provider });
        });
        const recorder = named(plan.resources, "platform-eu-west-1-config-recorder");
        expect(recorder.inputs).toMatchObject({
            name: "platform-eu-west-1",
            recordingGroup: { allSupported: true, includeGlobalResourceTypes: false },
            recordingMode: { recordingFrequency: "CONTINUOUS" },
        });
        const role = named(plan.resources, "platform-eu-west-1-config-role");
        expect(recorder.inputs.roleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
        expect(JSON.parse(String(role.inputs.assumeRolePolicy))).toMatchObject({
            Statement: [{ Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "AWS:SourceAccount": PLAN_ACCOUNT_ID } } }],
        });
        expect(named(plan.resources, "platform-eu-west-1-config-describe").inputs.policyArn).toBe(AWS_CONFIG_ROLE_POLICY_ARN);

        const bucket = named(plan.resources, "platform-eu-west-1-config-history-bucket");
        expect(bucket.retainOnDelete).toBe(true);
        expect(bucket.inputs.tags).toMatchObject({ tier: "audit" });
        expect(named(plan.resources, "platform-eu-west-1-config-history-encryption").inputs).toMatchObject({
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }],
        });
        expect(named(plan.resources, "platform-eu-west-1-config-history-lifecycle").inputs).toMatchObject({ rules: [{ noncurrentVersionExpiration: { noncurrentDays: 400 } }] });

        const channel = named(plan.resources, "platform-eu-west-1-config-delivery");
        expect(channel.inputs).toMatchObject({
            name: "platform-eu-west-1",
            s3BucketName: bucket.inputs.bucket,
            s3KmsKeyArn: KEY,
            snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
        });
        expect(channel.inputs.s3KeyPrefix).toBeUndefined();
        const status = named(plan.resources, "platform-eu-west-1-config-status");
        expect(status.inputs).toEqual({ name: "platform-eu-west-1", isEnabled: true });
        // PutDeliveryChannel needs the recorder; StartConfigurationRecorder needs the channel.
        expect(channel.dependsOn).toEqual(expect.arrayContaining(["platform-eu-west-1-config-recorder", "platform-eu-west-1-config-deliver"]));
        expect(status.dependsOn).toEqual(["platform-eu-west-1-config-delivery"]);

        const deliver = JSON.parse(String(named(plan.resources, "platform-eu-west-1-config-deliver").inputs.policy)) as { Statement: { Action: unknown; Resource: string }[] };
        expect(deliver.Statement.map((statement) => [statement.Action, statement.Resource])).toEqual([
            [["s3:GetBucketAcl", "s3:ListBucket"], `arn:aws:s3:::${String(bucket.inputs.bucket)}`],
            [["s3:PutObject", "s3:PutObjectAcl"], `arn:aws:s3:::${String(bucket.inputs.bucket)}/AWSLogs/${PLAN_ACCOUNT_ID}/Config/*`],
            [["kms:GenerateDataKey", "kms:Decrypt"], KEY],
        ]);
    });

    it("GIVEN the home region WHEN planned with the global types THEN the recorder records them", async () => {
        const { plan } = await planProgram((provider) => {
            new ConfigRecorder("c", { recorderName: "c", kmsKeyArn: KEY, includeGlobalResourceTypes: true }, { provider });
        });
        expect(ofType(plan.resources, "aws:cfg/recorder:Recorder")[0]!.inputs.recordingGroup).toEqual({ allSupported: true, includeGlobalResourceTypes: true });
    });

    it.each([
        [{ recorderName: "" }, "recorderName: has 0 characters; expected 1 to 256"],
        [{ recorderName: "x".repeat(257) }, "recorderName: has 257 characters; expected 1 to 256"],
        [{ recorderName: "x", snapshotFrequency: "Daily" as never }, 'snapshotFrequency: "Daily" is not allowed; expected one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours'],
    ])("GIVEN %j WHEN validated THEN %s", (args, message) => {
        expect(configRecorderArgsProblems(args)).toEqual([message]);
    });

    it("GIVEN a bucket WHEN the delivery policy is built THEN PutObject (and its ACL) only under AWSLogs/<account>/Config/ with bucket-owner-full-control", () => {
        const policy = JSON.parse(configDeliveryPolicy({ bucketArn: "arn:aws:s3:::b", accountId: "111122223333", kmsKeyArn: KEY })) as { Statement: { Sid: string; Condition?: unknown }[] };
        expect(policy.Statement.find((statement) => statement.Sid === "DeliverHistory")).toMatchObject({
            Resource: "arn:aws:s3:::b/AWSLogs/111122223333/Config/*",
            Condition: { StringLike: { "s3:x-amz-acl": "bucket-owner-full-control" } },
        });
    });
});

describe("configRecorderProblems (the plan's fleet check)", () => {
    const resource = (type: string, name: string): PlannedResource => ({ type, name, inputs: {} }) as unknown as PlannedResource;
    const owner = (tenant: string, region: string, types = ["aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus"]) => ({
        tenant,
        region,
        source: `platform-configs/${region}.yaml`,
        resources: types.map((type) => resource(type, `${tenant}-${type.split(":")[2]}`)),
    });

    it("GIVEN one owner per region WHEN checked THEN nothing", () => {
        expect(configRecorderProblems([owner("platform-eu-west-1", "eu-west-1"), owner("platform-us-east-1-recovery", "us-west-2")])).toEqual([]);
    });

    it("GIVEN two stacks recording one region WHEN checked THEN the second recorder and channel are refused as AWS would, naming the source", () => {
        const problems = configRecorderProblems([owner("platform-eu-west-1", "eu-west-1"), owner("platform-x-recovery", "eu-west-1")]);
        expect(problems.map((problem) => problem.message)).toEqual([
            expect.stringMatching(/^platform-x-recovery: aws:cfg\/recorder:Recorder "platform-x-recovery-Recorder" is beside platform-eu-west-1's in eu-west-1: AWS allows one configuration recorder per account and region and refuses this one \(MaxNumberOfConfigurationRecordersExceededException\)/),
            expect.stringMatching(/^platform-x-recovery: aws:cfg\/deliveryChannel:DeliveryChannel "platform-x-recovery-DeliveryChannel" is beside platform-eu-west-1's in eu-west-1: .*MaxNumberOfDeliveryChannelsExceededException/),
        ]);
        expect(problems[0]!.message).toContain("source: AWS Config API Reference");
        expect(problems[0]).toMatchObject({ file: "platform-configs/eu-west-1.yaml", line: 1, column: 1 });
    });

    it("GIVEN a channel without a recorder, and a status without a channel WHEN checked THEN each refused as AWS would", () => {
        expect(configRecorderProblems([owner("a", "eu-west-1", ["aws:cfg/deliveryChannel:DeliveryChannel"])]).map((problem) => problem.message)).toEqual([
            expect.stringContaining("needs a configuration recorder in eu-west-1 and none is planned there: AWS refuses it (NoAvailableConfigurationRecorderException)"),
        ]);
        expect(configRecorderProblems([owner("a", "eu-west-1", ["aws:cfg/recorder:Recorder", "aws:cfg/recorderStatus:RecorderStatus"])]).map((problem) => problem.message)).toEqual([
            expect.stringContaining("needs a delivery channel in eu-west-1 and none is planned there: AWS refuses it (NoAvailableDeliveryChannelException)"),
        ]);
    });
});
