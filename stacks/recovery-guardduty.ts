// GuardDuty in a platform recovery environment's region (lib/guardduty-owner.ts): the environment
// creates the region's one detector when it owns it (a region that is only off-site, kept while
// idle), else adopts its owner's; either way the findings go to this region's operations topic
// (EventBridge rules and SNS are regional), whose policy lets exactly that rule publish.

import * as pulumi from "@pulumi/pulumi";

import * as aws from "../components/aws";
import { ThreatDetection } from "../components/threat-detection";
import { guardDutyOwnerOf } from "../lib/guardduty-owner";
import { RecoveryKind } from "../lib/platform";
import { PlatformFleet } from "./config/platform-file";
import { operationsTopicPolicy } from "./platform-documents";
import { regionalControls } from "./regional-controls";

export interface RecoveryThreatDetectionArgs {
    /** The recovery stack's name (`platform-<region>-recovery` or `-drill`). */
    readonly stack: string;
    readonly kind: RecoveryKind;
    /** The production platform's region and off-site region (where this environment runs). */
    readonly production: { readonly region: string; readonly offsiteRegion: string };
    /** The platforms of the fleet: who owns the detector is chosen among them. */
    readonly platforms: PlatformFleet;
    /** The environment's operations topic (of its own region). */
    readonly topicArn: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
    /** Platform setting `deployRoleName` (network-change alarms, when this environment owns the region). */
    readonly deployRoleName: string;
    /** The environment's data key (the configuration history, when it owns the region). */
    readonly kmsKeyArn: pulumi.Input<string>;
}

/** The stack owning the detector of the environment's region (never a drill copy). */
export function detectorOwnerFor(args: Pick<RecoveryThreatDetectionArgs, "production" | "platforms">): string {
    const platforms = [...args.platforms.settings.entries()].map(([region, settings]) => ({ region, offsiteRegion: settings.offsiteRegion }));
    // This platform counts even where the fleet given is not the one it was read from.
    if (!platforms.some((platform) => platform.region === args.production.region)) {
        platforms.push(args.production);
    }
    return guardDutyOwnerOf(args.production.offsiteRegion, platforms)!;
}

/** The detector (owned or adopted), its findings rule, the region's other singletons when owned, and the topic's policy. */
export function recoveryThreatDetection(name: string, args: RecoveryThreatDetectionArgs, opts: pulumi.CustomResourceOptions): ThreatDetection {
    const owner = detectorOwnerFor(args);
    const owns = args.kind === "recovery" && owner === args.stack;
    const detection = new ThreatDetection(`${name}-detection`, owns ? { alarmTopicArn: args.topicArn } : { alarmTopicArn: args.topicArn, adoptFrom: owner }, opts);
    // The region's other singletons go with the detector: network-change alarms and AWS Config
    // (never in a drill copy, whose teardown would take them). The home region always has a
    // production platform, so an owner here never records the global types.
    const networkRuleArns = owns
        ? regionalControls(name, { topicArn: args.topicArn, accountId: args.accountId, deployRoleName: args.deployRoleName, kmsKeyArn: args.kmsKeyArn, recordsGlobalTypes: false }, opts).ruleArns
        : pulumi.output([]);
    new aws.sns.TopicPolicy(
        `${name}-operations-topic-policy`,
        {
            arn: args.topicArn,
            policy: pulumi
                .all([args.topicArn, args.accountId, detection.ruleArn, networkRuleArns])
                .apply(([topicArn, accountId, findingsRuleArn, ruleArns]) => operationsTopicPolicy({ topicArn, accountId, eventRuleArns: [findingsRuleArn, ...ruleArns] })),
        },
        opts,
    );
    return detection;
}
