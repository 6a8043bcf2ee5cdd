// What the one owner of a region (lib/guardduty-owner.ts: the region's production platform, else one
// platform recovery environment) runs for the whole region beside its GuardDuty detector: the
// network-change alarms (EventBridge rules see every call of the region, so one set serves every
// stack there), AWS Config's one recorder and delivery channel per account and region, and the weekly
// controls report with its one inventory sync (components/controls-report.ts).

import * as pulumi from "@pulumi/pulumi";

import { ConfigRecorder } from "../components/config-recorder";
import { ControlsReport } from "../components/controls-report";
import { NetworkChangeAlarms } from "../components/network-change-alarms";

export interface RegionalControlsArgs {
    /** The region's operations topic (the owner's own). */
    readonly topicArn: pulumi.Input<string>;
    readonly accountId: pulumi.Input<string>;
    /** Platform setting `deployRoleName`: whose changes raise no alarm. */
    readonly deployRoleName: string;
    /** The owner's data key: the configuration history bucket and Config's deliveries. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Record IAM and the other global types: the home region only (they are the same everywhere). */
    readonly recordsGlobalTypes: boolean;
    /** Where the evidence bucket's server access logs go (the platform's request-log bucket); none in a recovery region. */
    readonly accessLogBucket?: pulumi.Input<string>;
}

export interface RegionalControls {
    /** The EventBridge rules publishing to the topic, for its one policy. */
    readonly ruleArns: pulumi.Output<string[]>;
    readonly configHistoryBucket: pulumi.Output<string>;
}

/** `name`: the owning stack's name (also the recorder's and the delivery channel's). */
export function regionalControls(name: string, args: RegionalControlsArgs, opts: pulumi.CustomResourceOptions): RegionalControls {
    const alarms = new NetworkChangeAlarms(`${name}-network-changes`, { alarmTopicArn: args.topicArn, accountId: args.accountId, deployRoleName: args.deployRoleName }, opts);
    const config = new ConfigRecorder(`${name}-config`, { recorderName: name, kmsKeyArn: args.kmsKeyArn, includeGlobalResourceTypes: args.recordsGlobalTypes }, opts);
    // The weekly denied-access and patch report, and the inventory sync the auditors read.
    new ControlsReport(
        `${name}-controls`,
        { stack: name, operationsTopicArn: args.topicArn, topicKeyArn: args.kmsKeyArn, logKeyArn: args.kmsKeyArn, ...(args.accessLogBucket !== undefined ? { accessLogBucket: args.accessLogBucket } : {}) },
        opts,
    );
    return { ruleArns: alarms.ruleArns, configHistoryBucket: config.bucketName };
}
