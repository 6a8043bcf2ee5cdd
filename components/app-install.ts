import * as pulumi from "@pulumi/pulumi";

import { isSecretLikeKey } from "../stacks/config/rules";
import * as aws from "./aws";
import { componentType } from "./types";

export interface AppInstallArgs {
    /** The tenant id (`acme`): names the SSM association. Required. */
    readonly tenant: string;
    /** The tag that marks the shared app servers (`tag:<key>` = value): the association runs on them. Required. */
    readonly serversTag: { readonly key: string; readonly value: pulumi.Input<string> };
    /** The platform's SSM document that installs and configures a tenant on a server. Required. */
    readonly documentName: pulumi.Input<string>;
    /**
     * The document's parameters (database host, files bucket, tenant id ...). Association
     * parameters are readable by anyone who may describe the association, so no key may look like a
     * secret: the app reads its secrets from Secrets Manager itself. Required, may be empty.
     */
    readonly parameters: Readonly<Record<string, pulumi.Input<string>>>;
}

/** The tenant id shape the configuration validator enforces; names below derive from it. */
const TENANT_ID = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

/** `acme` -> `acme-app-copy`: one association per tenant, found by name in the SSM console. */
export function associationNameFor(tenant: string): string {
    return `${tenant}-app-copy`;
}

/** Every problem with an installation's settings, each naming the field, the value and what is allowed. */
export function appInstallProblems(args: { readonly tenant: string; readonly parameterKeys: readonly string[]; readonly serversTagKey: string }): string[] {
    const problems: string[] = [];
    if (!TENANT_ID.test(args.tenant)) {
        problems.push(`tenant: "${args.tenant}" is not a tenant id; expected 3 to 30 lower-case letters, digits and hyphens, starting with a letter, e.g. "acme"`);
    }
    const secretLike = args.parameterKeys.filter(isSecretLikeKey);
    if (secretLike.length > 0) {
        problems.push(
            `parameters: ${JSON.stringify(secretLike)} look like secrets, which association parameters would show to anyone who may describe the association; pass the name of a Secrets Manager secret instead and let the copy read it`,
        );
    }
    if (args.serversTagKey.trim() === "") {
        problems.push('serversTag.key: empty; expected the tag that marks the shared app servers, e.g. "role"');
    }
    return problems;
}

/**
 * A tenant's installation on the platform's shared servers: the SSM association that runs the
 * platform's tenant document on every shared server, one server at a time. A `saas` tenant is just
 * this (its database inside the shared one, its prefix in the shared bucket); a `dedicated-saas`
 * tenant's AppCopy adds its own routing around it.
 */
export class AppInstall extends pulumi.ComponentResource {
    public readonly associationId: pulumi.Output<string>;

    constructor(name: string, args: AppInstallArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("app", "AppInstall"), name, {}, opts);

        const problems = appInstallProblems({ tenant: args.tenant, parameterKeys: Object.keys(args.parameters), serversTagKey: args.serversTag.key });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        // The association shares the component's name (its type differs): one association per tenant.
        const association = new aws.ssm.Association(
            name,
            {
                name: args.documentName,
                associationName: associationNameFor(args.tenant),
                targets: [{ key: `tag:${args.serversTag.key}`, values: [args.serversTag.value] }],
                parameters: { ...args.parameters },
                complianceSeverity: "HIGH",
                // One server at a time, and the first failure stops the rollout: a broken install
                // must not reach every shared server (the others keep serving the previous one).
                maxConcurrency: "1",
                maxErrors: "0",
            },
            { parent: this },
        );
        this.associationId = association.associationId;
        this.registerOutputs({ associationId: this.associationId });
    }
}
