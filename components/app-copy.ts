import * as pulumi from "@pulumi/pulumi";

import { AppInstall, appInstallProblems } from "./app-install";
import * as aws from "./aws";
import { fittedName, NAME_LIMITS } from "./naming";
import { componentType } from "./types";

export interface AppCopyArgs {
    /** The tenant id (`acme`): names the SSM association and the default health check path. Required. */
    readonly tenant: string;
    /** The platform's shared VPC, where the shared app servers live. Required. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * The shared app servers, one entry per server: each gets a target group attachment, so the
     * array's length must be known when the program runs. A caller reading the platform's list from
     * a StackReference (an Output of unknown length) builds a fixed-length array instead, e.g.
     * `range(appServerCount).map((i) => ids.apply((all) => all[i]))` with the count from config.
     * Required, at least one.
     */
    readonly instanceIds: pulumi.Input<string>[];
    /** The shared load balancer's HTTPS listener. Required. */
    readonly listenerArn: pulumi.Input<string>;
    /** The tenant's host name: requests whose Host header is exactly this reach this copy. Required. */
    readonly hostName: pulumi.Input<string>;
    /** The tenant's validated certificate for `hostName`, added to the listener so that SNI serves it. Required. */
    readonly certificateArn: pulumi.Input<string>;
    /** The tag that marks the shared app servers (`tag:<key>` = value): the SSM association runs on them. Required. */
    readonly serversTag: { readonly key: string; readonly value: pulumi.Input<string> };
    /** The platform's SSM document that installs and configures a tenant's copy on a server. Required. */
    readonly documentName: pulumi.Input<string>;
    /**
     * The document's parameters (database host, files bucket, tenant id ...). Association
     * parameters are readable by anyone who may describe the association, so no key may look like a
     * secret: the copy reads its secrets from Secrets Manager itself. Required, may be empty.
     */
    readonly parameters: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Page whose answer (200-399) makes this copy healthy on a server. Default: `/healthz/<tenant>`,
     * which the servers' reverse proxy routes to this tenant's copy.
     */
    readonly healthCheckPath?: string;
    /** Port the servers' reverse proxy listens on; it speaks HTTPS. Default: 443. */
    readonly port?: number;
}

export { associationNameFor } from "./app-install";

/** Every problem with an app copy's settings, each naming the field, the value and what is allowed. */
export function appCopyProblems(args: {
    readonly tenant: string;
    readonly instanceCount: number;
    readonly parameterKeys: readonly string[];
    readonly serversTagKey: string;
    readonly healthCheckPath: string;
    readonly port: number;
}): string[] {
    const problems = appInstallProblems({ tenant: args.tenant, parameterKeys: args.parameterKeys, serversTagKey: args.serversTagKey });
    if (args.instanceCount === 0) {
        problems.push("instanceIds: none given; expected the shared app servers' instance ids, one entry per server");
    }
    if (!args.healthCheckPath.startsWith("/")) {
        problems.push(`healthCheckPath: "${args.healthCheckPath}" is not a path; expected one starting with "/", e.g. "/healthz/acme"`);
    }
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) {
        problems.push(`port: ${args.port} is not a port; expected a whole number from 1 to 65535`);
    }
    return problems;
}

/**
 * A tenant's dedicated copy of the app on the platform's shared servers, behind the platform's
 * shared load balancer: its own target group on the servers, a listener rule sending its host name
 * there, its certificate on the shared HTTPS listener, and the SSM association that installs and
 * configures the copy on every shared server.
 */
export class AppCopy extends pulumi.ComponentResource {
    public readonly targetGroupArn: pulumi.Output<string>;
    public readonly listenerRuleArn: pulumi.Output<string>;
    public readonly associationId: pulumi.Output<string>;

    constructor(name: string, args: AppCopyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("app", "AppCopy"), name, {}, opts);

        const port = args.port ?? 443;
        // ALB health checks cannot set a Host header (they send the target's address), so the
        // servers' reverse proxy cannot tell tenants apart by host name: it routes this path instead.
        const healthCheckPath = args.healthCheckPath ?? `/healthz/${args.tenant}`;
        const problems = appCopyProblems({
            tenant: args.tenant,
            instanceCount: args.instanceIds.length,
            parameterKeys: Object.keys(args.parameters),
            serversTagKey: args.serversTag.key,
            healthCheckPath,
            port,
        });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        const child = { parent: this };

        const targetGroup = new aws.lb.TargetGroup(
            `${name}-tg`,
            {
                name: fittedName(`${name}-tg`, NAME_LIMITS.targetGroup),
                vpcId: args.vpcId,
                targetType: "instance",
                protocol: "HTTPS",
                port,
                healthCheck: { enabled: true, protocol: "HTTPS", port: "traffic-port", path: healthCheckPath, matcher: "200-399" },
                tags: { Name: name },
            },
            child,
        );
        args.instanceIds.forEach((instanceId, index) => {
            new aws.lb.TargetGroupAttachment(`${name}-target-${index}`, { targetGroupArn: targetGroup.arn, targetId: instanceId, port }, child);
        });

        // SNI picks this certificate for the host name; without it the listener's default
        // certificate would answer and browsers would refuse the name.
        const certificate = new aws.lb.ListenerCertificate(`${name}-certificate`, { listenerArn: args.listenerArn, certificateArn: args.certificateArn }, child);

        // No priority: tenant stacks cannot coordinate numbers on the shared listener, so AWS gives
        // the next free one. Host names are exact and unique per tenant, so the order never matters.
        const rule = new aws.lb.ListenerRule(
            `${name}-rule`,
            {
                listenerArn: args.listenerArn,
                conditions: [{ hostHeader: { values: [args.hostName] } }],
                actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            },
            { parent: this, dependsOn: [certificate] },
        );

        const install = new AppInstall(
            `${name}-install`,
            { tenant: args.tenant, serversTag: args.serversTag, documentName: args.documentName, parameters: args.parameters },
            { parent: this, dependsOn: [rule] },
        );

        this.targetGroupArn = targetGroup.arn;
        this.listenerRuleArn = rule.arn;
        this.associationId = install.associationId;
        this.registerOutputs({ targetGroupArn: this.targetGroupArn, listenerRuleArn: this.listenerRuleArn, associationId: this.associationId });
    }
}
