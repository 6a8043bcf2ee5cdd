// The region's weekly controls live in the region's owner stack (lib/guardduty-owner.ts): the
// inventory and compliance copied to an auditor's bucket, and the weekly report to operations.

import { platformRegionOf, recoveryTargetOf } from "../../../lib/platform";
import { byRef, isCustomerManagedKey, ofType } from "../graph";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";
import { DETECTOR_TYPE } from "./enableGuardDutyDetector";
import { runsWeekly } from "./missingInventoryAndPatchScan";

export const DATA_SYNC_TYPE = "aws:ssm/resourceDataSync:ResourceDataSync";
export const FUNCTION_TYPE = "aws:lambda/function:Function";
export const EVENT_RULE_TYPE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET_TYPE = "aws:cloudwatch/eventTarget:EventTarget";
export const QUERY_DEFINITION_TYPE = "aws:cloudwatch/queryDefinition:QueryDefinition";
export const TOPIC_TYPE = "aws:sns/topic:Topic";

/**
 * Whether the stack owns its region's controls: a production platform always does; a platform
 * recovery environment when it owns the region's GuardDuty detector (the same owner,
 * lib/guardduty-owner.ts, chosen by the program from every platform file: a recovery environment
 * creates the detector exactly when it owns a region that is only off-site); a drill copy never.
 * Read from the stack itself, so a plan of part of the fleet and CrossGuard judge it alike.
 */
export function ownsRegionControls(stack: PolicyStack): boolean {
    const target = recoveryTargetOf(stack.stack);
    if (target === undefined) {
        return platformRegionOf(stack.stack) !== undefined;
    }
    return target.kind === "recovery" && ofType(stack, DETECTOR_TYPE).length > 0;
}

/** The last segment of an ARN (`...:function:name`, `...:function/name`). */
function arnTail(arn: unknown): string | undefined {
    return typeof arn === "string" ? arn.split(/[:/]/).pop() : undefined;
}

function isFunction(resource: PolicyResource, arn: unknown): boolean {
    const tail = arnTail(arn);
    return tail !== undefined && (tail === resource.id || tail === resource.props.name || arn === resource.props.arn);
}

function reportFindings(stack: PolicyStack): Finding[] {
    if (stack.kind !== "platform") {
        return [];
    }
    const syncs = ofType(stack, DATA_SYNC_TYPE);
    const owns = ownsRegionControls(stack);
    if (owns === false) {
        // A second sync of the region's name is refused (ResourceDataSyncAlreadyExistsException), and a drill's goes with its teardown.
        return syncs.map((sync) => ({
            resource: sync.name,
            message: "a resource data sync in a stack that does not own the region's controls (lib/guardduty-owner.ts): the region's owner syncs every server's inventory; remove it",
        }));
    }
    const findings: Finding[] = [];
    const sync = syncs[0];
    if (sync === undefined) {
        findings.push({ resource: stack.stack, message: `no resource data sync (${DATA_SYNC_TYPE}): the region's inventory and patch compliance reach no bucket an auditor reads` });
    } else {
        const destination = (sync.props.s3Destination ?? {}) as Record<string, unknown>;
        if (!isCustomerManagedKey(destination.kmsKeyArn)) {
            findings.push({ resource: sync.name, message: `s3Destination.kmsKeyArn ${JSON.stringify(destination.kmsKeyArn ?? null)}: the synced inventory is not encrypted with a customer-managed key` });
        }
    }

    const functions = ofType(stack, FUNCTION_TYPE);
    const topics = ofType(stack, TOPIC_TYPE);
    const reports = functions.filter((fn) => {
        const topic = ((fn.props.environment ?? {}) as { variables?: Record<string, unknown> }).variables?.TOPIC_ARN;
        return typeof topic === "string" && topics.some((candidate) => candidate.props.arn === topic || candidate.id === topic || arnTail(topic) === (candidate.props.name ?? candidate.id));
    });
    const scheduled = ofType(stack, EVENT_RULE_TYPE).filter((rule) => {
        if (!runsWeekly(rule.props.scheduleExpression)) {
            return false;
        }
        const targets = ofType(stack, EVENT_TARGET_TYPE).filter((target) => target.props.rule === rule.id || target.props.rule === rule.props.name || byRef(stack, target.props.rule) === rule);
        return targets.some((target) => reports.some((fn) => isFunction(fn, target.props.arn)));
    });
    if (scheduled.length === 0) {
        findings.push({
            resource: stack.stack,
            message:
                reports.length === 0
                    ? `no weekly controls report: expected a ${FUNCTION_TYPE} publishing to the stack's operations topic (environment TOPIC_ARN) run weekly by an ${EVENT_RULE_TYPE} schedule`
                    : `the report ${reports.map((fn) => fn.name).join(", ")} is run by no weekly ${EVENT_RULE_TYPE} schedule (scheduleExpression at least weekly, with an ${EVENT_TARGET_TYPE} on the function)`,
        });
    }
    const queries = ofType(stack, QUERY_DEFINITION_TYPE).filter((query) => typeof query.props.queryString === "string" && /action\s*=\s*"REJECT"/.test(query.props.queryString));
    if (queries.length === 0) {
        findings.push({ resource: stack.stack, message: `no saved Logs Insights query of the rejected flows (${QUERY_DEFINITION_TYPE} filtering action = "REJECT") for an auditor to rerun the report` });
    }
    return findings;
}

export const missingControlsReport: StackRule = {
    kind: "stack",
    name: "controls-report-in-region-owner",
    description:
        `The stack owning a region's controls (a production platform; the platform recovery environment owning a region that is only off-site, lib/guardduty-owner.ts: the one creating the region's GuardDuty detector) has the region's ${DATA_SYNC_TYPE} ` +
        `to a customer-managed key, the weekly controls report (a ${FUNCTION_TYPE} publishing to the stack's operations topic, run by a weekly ${EVENT_RULE_TYPE}) and a saved ${QUERY_DEFINITION_TYPE} of the rejected flows. ` +
        "Any other platform stack (a drill copy, a recovery environment of a region with a production platform) has no resource data sync. Tenant stacks: not applicable.",
    why: "The security documentation promises a weekly reading of the denied-access logs and a weekly update check, and a monthly review of software and key files: operations receive the reading every week and an auditor finds the inventory, compliance and reports in one bucket.",
    enforcement: "mandatory",
    validate: reportFindings,
};
