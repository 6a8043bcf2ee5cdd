import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { PASSWORD_MIN_LENGTH } from "../lib/promises/passwords";
import { componentType } from "./types";

/** The application settings of one tenant that the app reads at start-up. Never secrets. */
export interface TenantSettingsValues {
    readonly tenant: string;
    readonly company: string;
    readonly environment: string;
    /** The URL users open. */
    readonly url: pulumi.Input<string>;
    /** The app's password policy: minimum length of a user's password, at least 10 (lib/promises/passwords.ts). */
    readonly passwordMinLength: number;
    /** How users sign in: the app's own accounts, or the customer's directory. */
    readonly identityProvider: "app" | "directory";
}

export interface TenantSettingsArgs {
    /** The parameter's name, e.g. `/tenants/acme/settings`. Required. */
    readonly parameterName: string;
    /** What the application reads. Required. */
    readonly settings: TenantSettingsValues;
}

/**
 * The tenant's application settings as a plain (non-secret) SSM parameter, so the app on any server
 * reads one place and the settings are versioned with the stack.
 */
export class TenantSettings extends pulumi.ComponentResource {
    public readonly parameterName: pulumi.Output<string>;
    public readonly parameterArn: pulumi.Output<string>;

    constructor(name: string, args: TenantSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("app", "TenantSettings"), name, {}, opts);

        const minLength = args.settings.passwordMinLength;
        if (!Number.isInteger(minLength) || minLength < PASSWORD_MIN_LENGTH) {
            throw new pulumi.ResourceError(
                `settings.passwordMinLength: ${minLength} is not allowed; expected a whole number of at least ${PASSWORD_MIN_LENGTH} (the service's password policy)`,
                this,
            );
        }

        const value = pulumi.output(args.settings).apply((settings) => JSON.stringify(settings, Object.keys(settings).sort()));
        const parameter = new aws.ssm.Parameter(
            `${name}-parameter`,
            {
                name: args.parameterName,
                description: `Application settings of tenant ${args.settings.tenant}`,
                type: "String",
                tier: "Standard",
                // `value` would be stored as a secret; these settings are deliberately plain.
                insecureValue: value,
            },
            { parent: this },
        );
        this.parameterName = parameter.name;
        this.parameterArn = parameter.arn;

        this.registerOutputs({ parameterName: this.parameterName, parameterArn: this.parameterArn });
    }
}
