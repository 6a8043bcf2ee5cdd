// Security group, network ACL, route table and VPN changes, told to operations as they happen.
//
// EventBridge rules on the API calls, not AWS Config rules: CloudTrail hands each call to
// EventBridge in its region within about a minute, with who made it; Config evaluates a rule only
// after it has recorded the new configuration item (minutes later, and periodic rules hours later),
// and its evaluation says what the configuration is, not who changed it. Config's history
// (components/config-recorder.ts) keeps the record the monthly review reads; these rules wake someone.
// The events come from the account's trail (the home platform's multi-region trail or the
// organisation's): EventBridge receives "AWS API Call via CloudTrail" only for calls a trail records.

import * as pulumi from "@pulumi/pulumi";

import { fittedName } from "../lib/naming";
import { deployRoleSessionPrefix, NETWORK_CHANGE_EVENTS, NETWORK_CHANGE_KINDS, NETWORK_CHANGE_TAG, NetworkChangeKind } from "../lib/promises/network-changes";
import * as aws from "./aws";
import { componentType } from "./types";

export interface NetworkChangeAlarmsArgs {
    /** The region's operations topic (of this region: EventBridge targets a topic of its own region). Required; its policy must let each rule of `ruleArns` publish. */
    readonly alarmTopicArn: pulumi.Input<string>;
    /** The account, for the deployment role's session ARN. Required. */
    readonly accountId: pulumi.Input<string>;
    /**
     * The deployment role's name (the role the rollout workflow assumes): its changes are the
     * reviewed ones and raise no alarm. Required (platform setting `deployRoleName`).
     */
    readonly deployRoleName: string;
}

/** The target id of every rule (unique per rule; PutTargets Targets.Id: 1 to 64 of [.-_A-Za-z0-9], botocore events model). */
export const NETWORK_CHANGE_TARGET_ID = "network-changes-to-operations";

/** IAM's role names: 1 to 64 of letters, digits and `+=,.@_-` (IAM API Reference, CreateRole RoleName; botocore iam model roleNameType). */
export function deployRoleNameProblem(roleName: string): string | undefined {
    return /^[\w+=,.@-]{1,64}$/.test(roleName) ? undefined : `"${roleName.slice(0, 80)}" is not an IAM role name; expected 1 to 64 letters, digits or + = , . @ _ -`;
}

/**
 * The rule's pattern: the calls of `kind` as CloudTrail reports them, by anybody but a session of
 * the deployment role. An identity without an ARN (an AWS service acting as itself) still alarms:
 * `anything-but` never matches a missing field, so the second branch of `$or` catches it. Failed
 * calls (an `errorCode`, e.g. AccessDenied) alarm too: an unauthorised attempt is worth knowing.
 */
export function networkChangeEventPattern(kind: NetworkChangeKind, accountId: string, deployRoleName: string): string {
    return JSON.stringify({
        source: ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: {
            eventSource: ["ec2.amazonaws.com"],
            eventName: [...NETWORK_CHANGE_EVENTS[kind]],
            $or: [{ userIdentity: { arn: [{ "anything-but": { prefix: deployRoleSessionPrefix(accountId, deployRoleName) } }] } }, { userIdentity: { arn: [{ exists: false }] } }],
        },
    });
}

/** What each kind's message names as the resource changed: the ids of the request (and of a creation's response). */
const RESOURCE_PATHS: Record<NetworkChangeKind, Record<string, string>> = {
    "security-groups": { group: "$.detail.requestParameters.groupId", created: "$.detail.responseElements.groupId" },
    "network-acls": { acl: "$.detail.requestParameters.networkAclId", association: "$.detail.requestParameters.associationId", created: "$.detail.responseElements.networkAcl.networkAclId" },
    "route-tables": {
        table: "$.detail.requestParameters.routeTableId",
        tgwTable: "$.detail.requestParameters.transitGatewayRouteTableId",
        destination: "$.detail.requestParameters.destinationCidrBlock",
        created: "$.detail.responseElements.routeTable.routeTableId",
    },
    vpn: {
        connection: "$.detail.requestParameters.vpnConnectionId",
        gateway: "$.detail.requestParameters.vpnGatewayId",
        customerGateway: "$.detail.requestParameters.customerGatewayId",
        clientVpn: "$.detail.requestParameters.clientVpnEndpointId",
        created: "$.detail.responseElements.vpnConnection.vpnConnectionId",
    },
};

/**
 * The message operations read: who, what, which resource, where and when. Only ids are taken from
 * the request, never the whole of it: a VPN call's parameters can carry a tunnel's pre-shared key,
 * which must never reach a mailbox. (InputPathsMap: at most 100 keys of [A-Za-z0-9_-], paths of at
 * most 256 characters; InputTemplate 1 to 8192 characters: botocore events model.)
 */
export function networkChangeInputTransformer(kind: NetworkChangeKind): { inputPaths: Record<string, string>; inputTemplate: string } {
    const resources = RESOURCE_PATHS[kind];
    const inputPaths: Record<string, string> = {
        who: "$.detail.userIdentity.arn",
        identityType: "$.detail.userIdentity.type",
        action: "$.detail.eventName",
        region: "$.detail.awsRegion",
        time: "$.detail.eventTime",
        sourceIp: "$.detail.sourceIPAddress",
        error: "$.detail.errorCode",
        eventId: "$.detail.eventID",
        ...resources,
    };
    const which = Object.keys(resources)
        .map((key) => `${key} <${key}>`)
        .join(", ");
    const text =
        `Network change (${kind}) in <region> at <time>: <action> by <who> (<identityType>, from <sourceIp>) on ${which}; error: <error>. ` +
        "Not made by the deployment role: check that it was intended. CloudTrail event <eventId>.";
    // A quoted string: SNS receives the text itself, not a JSON document.
    return { inputPaths, inputTemplate: JSON.stringify(text) };
}

/**
 * One EventBridge rule per kind of change (security groups, network ACLs, route tables, VPN),
 * each sending a readable message to the operations topic.
 */
export class NetworkChangeAlarms extends pulumi.ComponentResource {
    /** Every rule, for the topic's policy (EventBridge publishes on behalf of exactly these). */
    public readonly ruleArns: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkChangeAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("audit", "NetworkChangeAlarms"), name, {}, opts);

        const problem = deployRoleNameProblem(args.deployRoleName);
        if (problem !== undefined) {
            throw new pulumi.ResourceError(`deployRoleName: ${problem}`, this);
        }
        const arns: pulumi.Output<string>[] = [];
        for (const kind of NETWORK_CHANGE_KINDS) {
            const rule = new aws.cloudwatch.EventRule(
                `${name}-${kind}`,
                {
                    // Named, not auto-named: a long stack name and kind would pass the 64 characters
                    // of PutRule Name with the provider's random suffix (botocore events model).
                    name: fittedName(`${name}-${kind}`, 64),
                    description: `Changes of ${kind.replace("-", " ")} not made by the deployment role ${args.deployRoleName}, to operations`,
                    eventPattern: pulumi.output(args.accountId).apply((accountId) => networkChangeEventPattern(kind, accountId, args.deployRoleName)),
                    state: "ENABLED",
                    tags: { [NETWORK_CHANGE_TAG]: kind },
                },
                { parent: this },
            );
            new aws.cloudwatch.EventTarget(
                `${name}-${kind}-to-operations`,
                { rule: rule.name, arn: args.alarmTopicArn, targetId: NETWORK_CHANGE_TARGET_ID, inputTransformer: networkChangeInputTransformer(kind) },
                { parent: this },
            );
            arns.push(rule.arn);
        }
        this.ruleArns = pulumi.all(arns);
        this.registerOutputs({ ruleArns: this.ruleArns });
    }
}
