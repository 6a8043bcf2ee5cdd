import * as pulumi from "@pulumi/pulumi";

import { AppInstall, appInstallProblems } from "./app-install";
import { APP_PORT } from "./app-servers";
import * as aws from "./aws";
import { componentType } from "./types";

export interface AppCopyArgs {
    /** The tenant id (`acme`): names the SSM association. Required. */
    readonly tenant: string;
    /**
     * The shared app servers, one entry per server: each is registered in `targetGroupArn`, so the
     * array's length must be known when the program runs. A caller reading the platform's list from
     * a StackReference (an Output of unknown length) builds a fixed-length array instead, e.g.
     * `range(appServerCount).map((i) => ids.apply((all) => all[i]))` with the count from config.
     * Required, at least one.
     */
    readonly instanceIds: pulumi.Input<string>[];
    /**
     * The target group of the tenant's own load balancer (a FrontDoor in the platform's access
     * tier, health-checking {@link appCopyHealthCheckPath}): the shared servers are registered in
     * it. No listener, rule or certificate of anybody else's is touched. Required.
     */
    readonly targetGroupArn: pulumi.Input<string>;
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
    /** Port the servers' reverse proxy listens on (the target group's port); it speaks HTTPS. Default: 443. */
    readonly port?: number;
}

/**
 * The page whose answer (200-399) makes a tenant's copy healthy on a server. ALB health checks
 * cannot set a Host header (they send the target's address), so the servers' reverse proxy cannot
 * tell tenants apart by host name there: it routes this path to the tenant's copy instead.
 */
export function appCopyHealthCheckPath(tenant: string): string {
    return `/healthz/${tenant}`;
}

export { associationNameFor } from "./app-install";

/** Every problem with an app copy's settings, each naming the field, the value and what is allowed. */
export function appCopyProblems(args: {
    readonly tenant: string;
    readonly instanceCount: number;
    readonly parameterKeys: readonly string[];
    readonly serversTagKey: string;
    readonly port: number;
}): string[] {
    const problems = appInstallProblems({ tenant: args.tenant, parameterKeys: args.parameterKeys, serversTagKey: args.serversTagKey, serverCount: Math.max(args.instanceCount, 1) });
    if (args.instanceCount === 0) {
        problems.push("instanceIds: none given; expected the shared app servers' instance ids, one entry per server");
    }
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) {
        problems.push(`port: ${args.port} is not a port; expected a whole number from 1 to 65535`);
    }
    return problems;
}

/**
 * A tenant's dedicated copy of the app on the platform's shared servers: every shared server
 * registered in the target group of the tenant's own load balancer, and the SSM association that
 * installs and configures the copy on every shared server.
 */
export class AppCopy extends pulumi.ComponentResource {
    public readonly targetGroupArn: pulumi.Output<string>;
    public readonly associationId: pulumi.Output<string>;

    constructor(name: string, args: AppCopyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("app", "AppCopy"), name, {}, opts);

        const port = args.port ?? APP_PORT;
        const problems = appCopyProblems({
            tenant: args.tenant,
            instanceCount: args.instanceIds.length,
            parameterKeys: Object.keys(args.parameters),
            serversTagKey: args.serversTag.key,
            port,
        });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        const child = { parent: this };

        const attachments = args.instanceIds.map(
            (instanceId, index) => new aws.lb.TargetGroupAttachment(`${name}-target-${index}`, { targetGroupArn: args.targetGroupArn, targetId: instanceId, port }, child),
        );

        const install = new AppInstall(
            `${name}-install`,
            { tenant: args.tenant, serversTag: args.serversTag, documentName: args.documentName, parameters: args.parameters, serverCount: args.instanceIds.length },
            { parent: this, dependsOn: attachments },
        );

        this.targetGroupArn = pulumi.output(args.targetGroupArn);
        this.associationId = install.associationId;
        this.registerOutputs({ targetGroupArn: this.targetGroupArn, associationId: this.associationId });
    }
}
