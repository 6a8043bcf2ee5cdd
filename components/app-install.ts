import * as pulumi from "@pulumi/pulumi";

import { isSecretLikeKey } from "../lib/secrets";
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
    /**
     * How many servers carry the tag: the install runs on them one at a time, so the deployment
     * waits for up to this many runs of the document's step ({@link installWaitSeconds}). Required,
     * 1 or more.
     */
    readonly serverCount: number;
}

/**
 * The timeout of the platform's tenant document's one step (`aws:runShellScript` `timeoutSeconds`),
 * the longest one server's install may take.
 */
export const APP_INSTALL_STEP_TIMEOUT_SECONDS = 900;

/**
 * Time the SSM agents take to pick up a new association: they poll State Manager every few
 * minutes, and a server may be busy with another tenant's run (300 s, once per rollout).
 */
const AGENT_PICKUP_SECONDS = 300;

/**
 * How long `pulumi up` waits for the association to succeed (`waitForSuccessTimeoutSeconds`):
 * the servers run the install one at a time (`maxConcurrency: "1"`), each for at most the step's
 * timeout, so `serverCount` x 900 s, plus the agents' pickup. The wait is the provider's own (a
 * DescribeAssociation poll, not a field of the SSM API, so AWS sets no maximum; the provider
 * validates none either: terraform-provider-aws internal/service/ssm/association.go) and it runs on
 * create only: a changed association is updated without waiting. A failed run fails the wait at
 * once; the timeout only bounds an install that never reports.
 */
export function installWaitSeconds(serverCount: number): number {
    return serverCount * APP_INSTALL_STEP_TIMEOUT_SECONDS + AGENT_PICKUP_SECONDS;
}

/** The tenant id shape the configuration validator enforces; names below derive from it. */
const TENANT_ID = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

/** `acme` -> `acme-app-copy`: one association per tenant, found by name in the SSM console. */
export function associationNameFor(tenant: string): string {
    return `${tenant}-app-copy`;
}

/** Every problem with an installation's settings, each naming the field, the value and what is allowed. */
export function appInstallProblems(args: {
    readonly tenant: string;
    readonly parameterKeys: readonly string[];
    readonly serversTagKey: string;
    readonly serverCount: number;
}): string[] {
    const problems: string[] = [];
    if (!Number.isInteger(args.serverCount) || args.serverCount < 1) {
        problems.push(`serverCount: ${args.serverCount} is not allowed; expected the number of shared servers the tag selects, a whole number from 1`);
    }
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

        const problems = appInstallProblems({ tenant: args.tenant, parameterKeys: Object.keys(args.parameters), serversTagKey: args.serversTag.key, serverCount: args.serverCount });
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
                // The stack waits for the install on every server: a failed install fails `up`
                // instead of leaving a tenant that answers nothing.
                waitForSuccessTimeoutSeconds: installWaitSeconds(args.serverCount),
            },
            // The provider waits for success only when it creates an association (terraform-provider-aws
            // internal/service/ssm/association.go: the wait is in Create, not Update). A changed install
            // (new parameters, another document) therefore replaces the association, old one first (one
            // association per tenant and name), so that every change is awaited like the first install.
            // Re-running the document is what an update would do anyway: SSM applies a changed
            // association to its targets at once.
            { parent: this, replaceOnChanges: ["name", "parameters"], deleteBeforeReplace: true },
        );
        this.associationId = association.associationId;
        this.registerOutputs({ associationId: this.associationId });
    }
}
