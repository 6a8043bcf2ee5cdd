// AWS Backup restore testing: every month AWS Backup restores the latest recovery point of each
// protected resource from the given vaults (the production stack's off-site copies) into the
// recovery network, then deletes the test restore. A broken copy is found within weeks, not at the
// incident. The seed (section 4) asks for a drill once a year; this catches what rots in between.

import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { RESTORE_TEST_SCHEDULE } from "../lib/promises/recovery";
import { componentType } from "./types";

/**
 * AWS's rule for restore testing plan and selection names (botocore's backup model, shapes
 * RestoreTestingPlanForCreate.RestoreTestingPlanName and RestoreTestingSelectionForCreate.
 * RestoreTestingSelectionName: "only alphanumeric characters and underscores", "Maximum length
 * is 50"). The provider generates no name for them: the name is ours, and one AWS would refuse
 * fails the program as AWS would.
 */
export const RESTORE_TESTING_NAME = /^[a-zA-Z0-9_]{1,50}$/;

/** The restore testing name of an id: its hyphens as underscores. */
export function restoreTestingName(id: string): string {
    return id.replace(/-/g, "_");
}

/** Protected resource types a restore testing selection accepts that our stacks protect (botocore: ProtectedResourceType). */
export type RestoreTestedType = "RDS" | "EC2" | "S3";

export interface RestoreTestedResource {
    /** The selection's name (RESTORE_TESTING_NAME). */
    readonly name: string;
    readonly type: RestoreTestedType;
    /** Where the test restore lands (AWS Backup's overridable restore metadata of the type). Default: none. */
    readonly restoreMetadataOverrides?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface RestoreTestingArgs {
    /** The plan's name (RESTORE_TESTING_NAME). Required. */
    readonly planName: string;
    /** The vaults whose recovery points are tested (ARNs; the production stack's off-site vault). Required. */
    readonly vaultArns: pulumi.Input<string>[];
    /** The role AWS Backup restores as. Required. */
    readonly roleArn: pulumi.Input<string>;
    readonly resources: readonly RestoreTestedResource[];
    /** When: a cron expression. Default: the first Monday of every month, 03:00 UTC. */
    readonly scheduleExpression?: string;
    /** Days back a recovery point may be (1 to 365). Default: 31, one month. */
    readonly selectionWindowDays?: number;
}

export function restoreTestingProblems(args: Pick<RestoreTestingArgs, "planName" | "resources" | "selectionWindowDays">): string[] {
    const problems: string[] = [];
    for (const [field, name] of [["planName", args.planName], ...args.resources.map((resource, i) => [`resources[${i}].name`, resource.name] as const)] as const) {
        if (!RESTORE_TESTING_NAME.test(name)) {
            problems.push(`${field}: "${name}" is refused by AWS Backup: only letters, digits and underscores, 1 to 50 of them (botocore backup model)`);
        }
    }
    const names = args.resources.map((resource) => resource.name);
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    if (repeated.length > 0) {
        problems.push(`resources: ${repeated.join(", ")} named twice; a selection's name is unique within its plan`);
    }
    const days = args.selectionWindowDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 365)) {
        problems.push(`selectionWindowDays: ${days} is refused by AWS Backup: whole days from 1 to 365 (botocore: SelectionWindowDays)`);
    }
    return problems;
}

export class RestoreTesting extends pulumi.ComponentResource {
    public readonly planName: pulumi.Output<string>;
    public readonly planArn: pulumi.Output<string>;

    constructor(name: string, args: RestoreTestingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("data", "RestoreTesting"), name, {}, opts);
        const problems = restoreTestingProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`${name}: ${problems.join("; ")}`, this);
        }
        const plan = new aws.backup.RestoreTestingPlan(
            `${name}-plan`,
            {
                name: args.planName,
                scheduleExpression: args.scheduleExpression ?? RESTORE_TEST_SCHEDULE,
                scheduleExpressionTimezone: "Etc/UTC",
                // A test that has not started within a day is cancelled (and reported as failed).
                startWindowHours: 24,
                recoveryPointSelection: {
                    algorithm: "LATEST_WITHIN_WINDOW",
                    includeVaults: args.vaultArns,
                    recoveryPointTypes: ["SNAPSHOT"],
                    selectionWindowDays: args.selectionWindowDays ?? 31,
                },
            },
            { parent: this },
        );
        for (const resource of args.resources) {
            new aws.backup.RestoreTestingSelection(
                `${name}-${resource.name.toLowerCase().replace(/_/g, "-")}`,
                {
                    name: resource.name,
                    restoreTestingPlanName: plan.name,
                    protectedResourceType: resource.type,
                    // Every resource of the type in the included vaults: they hold only this stack's copies.
                    protectedResourceArns: ["*"],
                    iamRoleArn: args.roleArn,
                    restoreMetadataOverrides: resource.restoreMetadataOverrides,
                    // No validation script: the restore completing is the test; then AWS deletes it.
                    validationWindowHours: 0,
                },
                { parent: this },
            );
        }
        this.planName = plan.name;
        this.planArn = plan.arn;
        this.registerOutputs({ planName: this.planName, planArn: this.planArn });
    }
}
