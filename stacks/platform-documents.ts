// The platform stack's policy and document texts: pure JSON, built from plain values.

import { APP_INSTALL_STEP_TIMEOUT_SECONDS } from "../components/app-install";
import { topicPolicyStatementsForEvents } from "../components/threat-detection";

/** AWS services that publish to the operations topic as themselves (alarms, findings, backup events). */
const PUBLISHING_SERVICES = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"] as const;

/** Key statements letting those services encrypt messages for the (encrypted) operations topic. */
export function publishingServicesKeyStatements(accountId: string): Record<string, unknown>[] {
    return [
        {
            Sid: "ServicesPublishToOperationsTopic",
            Effect: "Allow",
            Principal: { Service: [...PUBLISHING_SERVICES] },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ];
}

/** The operations topic's policy: the account administers it; the services above may publish. */
/**
 * `eventRuleArns`: the EventBridge rules publishing to the topic (the GuardDuty findings rule, the
 * network-change rules): one statement admits exactly these. A topic has one policy, so every rule
 * of the region that targets it is listed here. None for a tenant recovery environment's topic.
 */
export function operationsTopicPolicy(args: { topicArn: string; accountId: string; eventRuleArns?: readonly string[] }): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${args.accountId}:root` },
                Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish", "sns:DeleteTopic"],
                Resource: args.topicArn,
            },
            {
                Sid: "AlarmsAndBackupEventsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: ["cloudwatch.amazonaws.com", "backup.amazonaws.com"] },
                Action: "sns:Publish",
                Resource: args.topicArn,
                Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
            },
            ...(args.eventRuleArns === undefined || args.eventRuleArns.length === 0 ? [] : topicPolicyStatementsForEvents(args.topicArn, args.eventRuleArns)),
        ],
    });
}

/** The SSM document the shared servers run to install or configure one tenant's copy of the app. */
export function tenantAppDocument(): string {
    return JSON.stringify({
        schemaVersion: "2.2",
        description: "Install or configure one tenant's copy of the application on a shared server",
        parameters: {
            tenant: { type: "String", allowedPattern: "^[a-z][a-z0-9-]{1,28}[a-z0-9]$" },
            copy: { type: "String", allowedValues: ["shared", "dedicated"], description: "shared: a schema in the shared app; dedicated: an own app process" },
            hostName: { type: "String", allowedPattern: "^[a-z0-9.-]+$" },
            databaseHost: { type: "String", allowedPattern: "^[a-z0-9.-]+$" },
            databaseName: { type: "String", allowedPattern: "^[a-z][a-z0-9_]*$" },
            databaseSecretArn: { type: "String", default: "", allowedPattern: "^(arn:aws:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]+)?$" },
            filesBucket: { type: "String", allowedPattern: "^[a-z0-9.-]+$" },
            filesPrefix: { type: "String", default: "", allowedPattern: "^[a-z0-9/-]*$" },
        },
        mainSteps: [
            {
                action: "aws:runShellScript",
                name: "configureTenant",
                inputs: {
                    timeoutSeconds: String(APP_INSTALL_STEP_TIMEOUT_SECONDS),
                    // The application's own installer, shipped on the server image; credentials are
                    // read by it from Secrets Manager at run time, never passed here.
                    runCommand: [
                        "set -euo pipefail",
                        "/opt/itm/bin/itm-tenant configure --tenant '{{ tenant }}' --copy '{{ copy }}' --host-name '{{ hostName }}' " +
                            "--database-host '{{ databaseHost }}' --database-name '{{ databaseName }}' --database-secret-arn '{{ databaseSecretArn }}' " +
                            "--files-bucket '{{ filesBucket }}' --files-prefix '{{ filesPrefix }}'",
                    ],
                },
            },
        ],
    });
}

/**
 * The SSM document a platform's recovery environment runs on its servers to configure every saas
 * tenant of the restored shared database at once (`<recovery stack>-shared-tenants`): the tenants
 * are found in the database (one database per tenant, named `<databaseNamePrefix><tenant>`, their
 * files under `<filesPrefixRoot><tenant>/`), so no tenant id is a parameter and the document serves
 * any number of them. Credentials are read by the installer from Secrets Manager at run time.
 */
export function sharedTenantsDocument(): string {
    return JSON.stringify({
        schemaVersion: "2.2",
        description: "Configure every saas tenant of the restored shared database on a recovery server",
        parameters: {
            hostName: { type: "String", allowedPattern: "^[a-z0-9.-]+$" },
            databaseHost: { type: "String", allowedPattern: "^[a-z0-9.-]+$" },
            databaseSecretArn: { type: "String", allowedPattern: "^arn:aws:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]+$" },
            databaseNamePrefix: { type: "String", allowedPattern: "^[a-z][a-z0-9_]*$" },
            filesBucket: { type: "String", allowedPattern: "^[a-z0-9.-]+$" },
            filesPrefixRoot: { type: "String", allowedPattern: "^[a-z0-9-]+/$" },
        },
        mainSteps: [
            {
                action: "aws:runShellScript",
                name: "configureSharedTenants",
                inputs: {
                    timeoutSeconds: String(APP_INSTALL_STEP_TIMEOUT_SECONDS),
                    runCommand: [
                        "set -euo pipefail",
                        "/opt/itm/bin/itm-tenant configure-all --copy shared --host-name '{{ hostName }}' " +
                            "--database-host '{{ databaseHost }}' --database-secret-arn '{{ databaseSecretArn }}' --database-name-prefix '{{ databaseNamePrefix }}' " +
                            "--files-bucket '{{ filesBucket }}' --files-prefix-root '{{ filesPrefixRoot }}'",
                    ],
                },
            },
        ],
    });
}
