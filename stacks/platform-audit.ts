// The platform's audit trail: one multi-region trail for the fleet, owned by the home platform
// unless an AWS Organizations trail records the account.

import * as pulumi from "@pulumi/pulumi";

import { AccessLogBucket } from "../components/access-log-bucket";
import { AuditTrail } from "../components/audit-trail";
import * as aws from "../components/aws";
import { ORGANIZATION_TRAIL_TAG } from "../lib/promises/audit";
import { PlatformReference } from "./context";


export interface PlatformAuditTrailArgs {
    /** This platform creates the trail: the home platform, without an organisation trail. */
    readonly ownsTrail: boolean;
    /** The home platform's stack, for a platform of another region; undefined on the home platform. */
    readonly home: PlatformReference | undefined;
    /** The organisation trail that records the account, when there is one (platform setting `organizationTrailArn`). */
    readonly organizationTrailArn: string | undefined;
    /** The AuditTrail's name, when this platform owns it. */
    readonly auditName: string;
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly accessLogs: AccessLogBucket;
}

/**
 * The ARN of the trail that records the account: the one this platform creates, the home
 * platform's, or the organisation trail, of which the home platform keeps a tagged record
 * (`/<name>/organization-trail`) for operators and the policy rule.
 */
export function platformAuditTrail(name: string, args: PlatformAuditTrailArgs, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    // One trail for the fleet, multi-region: a trail per platform would record every region once
    // per platform (and count against the five trails a region holds).
    if (args.ownsTrail) {
        return new AuditTrail(args.auditName, { kmsKeyArn: args.kmsKeyArn, accessLogBucket: args.accessLogs }, opts).trailArn;
    }
    if (args.home) {
        return args.home.output("auditTrailArn");
    }
    const organizationTrail = args.organizationTrailArn!;
    // The account's record of where its audit trail is, for operators and the policy rule.
    new aws.ssm.Parameter(
        `${name}-organization-trail`,
        {
            name: `/${name}/organization-trail`,
            type: "String",
            // Not secret: `value` would be masked as one (the provider marks it so), `insecureValue` is shown.
            insecureValue: organizationTrail,
            description: "The AWS Organizations trail that records this account in every region (no platform creates one)",
            tags: { [ORGANIZATION_TRAIL_TAG.key]: ORGANIZATION_TRAIL_TAG.value },
        },
        opts,
    );
    return pulumi.output(organizationTrail);
}
