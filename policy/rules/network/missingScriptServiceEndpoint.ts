// A script the stack runs on its servers reaches every AWS service it calls.

import { byRef, ofType } from "../graph";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";

const DOCUMENT = "aws:ssm/document:Document";
const ASSOCIATION = "aws:ssm/association:Association";
const INSTANCE = "aws:ec2/instance:Instance";
const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/**
 * The endpoint service (`com.amazonaws.<region>.<name>`) of the AWS CLI commands whose name differs
 * from it (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html);
 * every other command is its own endpoint's name (`secretsmanager`, `ssm`, `kms`, `sts`, `logs` ...).
 */
const ENDPOINT_OF_COMMAND: Readonly<Record<string, string>> = {
    s3api: "s3",
    cloudwatch: "monitoring",
    ecr: "ecr.api",
    configservice: "config",
};

/** CLI global options that take a value (`--region eu-west-1`); the others are flags. */
const OPTIONS_WITH_VALUE = new Set(["--region", "--profile", "--output", "--query", "--endpoint-url", "--ca-bundle", "--cli-read-timeout", "--cli-connect-timeout", "--color", "--cli-binary-format"]);

/** Commands of the CLI itself that call no service. */
const LOCAL_COMMANDS = new Set(["configure", "help", "history", "cli"]);

/**
 * The AWS services a shell script calls through the AWS CLI (`aws [global options] <command> ...`),
 * comment lines left out. A call with `--endpoint-url` names its endpoint itself and is not
 * counted: where that URL leads cannot be read from the script.
 */
export function awsCliServices(script: string): string[] {
    const services = new Set<string>();
    const code = script
        .split("\n")
        .filter((line) => !line.trimStart().startsWith("#"))
        .join("\n");
    // `aws` as a command: at a line's start or after whitespace, `(`, `;`, `|`, `&` or a backtick.
    for (const match of code.matchAll(/(?:^|[\s(;|&`])aws((?:[ \t]+(?:\\\n)?[^\s;|&)`]+)+)/gm)) {
        const tokens = (match[1] ?? "").replace(/\\\n/g, " ").trim().split(/[ \t]+/);
        let service: string | undefined;
        let explicitEndpoint = false;
        for (let i = 0; i < tokens.length; i++) {
            const token = tokens[i]!;
            if (token.startsWith("--")) {
                const option = token.split("=")[0]!;
                explicitEndpoint ||= option === "--endpoint-url";
                if (OPTIONS_WITH_VALUE.has(option) && !token.includes("=")) {
                    i++;
                }
                continue;
            }
            service = token;
            break;
        }
        if (service !== undefined && /^[a-z][a-z0-9-]*$/.test(service) && !LOCAL_COMMANDS.has(service) && !explicitEndpoint) {
            services.add(ENDPOINT_OF_COMMAND[service] ?? service);
        }
    }
    return [...services].sort();
}

function strings(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** The shell commands of an SSM Command document: each step's `runCommand` (schema 2.x) or `commands` (1.2). */
function documentCommands(content: string): string {
    try {
        const parsed = JSON.parse(content) as { mainSteps?: { inputs?: { runCommand?: unknown } }[]; runtimeConfig?: Record<string, { properties?: { runCommand?: unknown }[] }> };
        const steps = (parsed.mainSteps ?? []).flatMap((step) => strings(step.inputs?.runCommand));
        const legacy = Object.values(parsed.runtimeConfig ?? {}).flatMap((plugin) => (plugin.properties ?? []).flatMap((property) => strings(property.runCommand)));
        return [...steps, ...legacy].join("\n");
    } catch {
        // YAML, or not a document at all: the whole text is searched, which can only find more calls.
        return content;
    }
}

/** The VPC id of an instance id of the stack (through its subnet), or undefined when it cannot be followed. */
function vpcOfInstance(stack: PolicyStack, instanceId: unknown): unknown {
    const instance = byRef(stack, instanceId);
    const subnet = instance?.type === INSTANCE ? byRef(stack, instance.props.subnetId) : undefined;
    return subnet?.type === SUBNET ? subnet.props.vpcId : undefined;
}

interface Script {
    readonly resource: PolicyResource;
    readonly text: string;
    /** The VPC ids the script runs in; undefined when the plan cannot tie it to one. */
    readonly vpcIds: readonly unknown[] | undefined;
}

function scriptsOf(stack: PolicyStack): Script[] {
    const scripts: Script[] = [];
    // A document runs wherever an association sends it: on this stack's servers (a tenant document
    // of the platform, run by its tenants' associations on the shared servers by tag), so in every
    // VPC of the stack.
    const stackVpcs = ofType(stack, VPC).map((vpc) => vpc.id);
    for (const document of ofType(stack, DOCUMENT)) {
        if (typeof document.props.content === "string") {
            scripts.push({ resource: document, text: documentCommands(document.props.content), vpcIds: stackVpcs.length > 0 ? stackVpcs : undefined });
        }
    }
    for (const association of ofType(stack, ASSOCIATION)) {
        const parameters = (association.props.parameters ?? {}) as Record<string, unknown>;
        const text = strings(parameters.commands).join("\n");
        if (text === "") {
            continue;
        }
        const targets = (Array.isArray(association.props.targets) ? association.props.targets : []) as { key?: unknown; values?: unknown }[];
        const byInstance = targets.filter((target) => target.key === "InstanceIds").flatMap((target) => (Array.isArray(target.values) ? target.values : []));
        const vpcIds = byInstance.map((id) => vpcOfInstance(stack, id));
        const tied = byInstance.length > 0 && byInstance.length === targets.flatMap((target) => (Array.isArray(target.values) ? target.values : [])).length && vpcIds.every((id) => id !== undefined);
        scripts.push({ resource: association, text, vpcIds: tied ? vpcIds : stackVpcs.length > 0 ? stackVpcs : undefined });
    }
    for (const instance of ofType(stack, INSTANCE)) {
        if (typeof instance.props.userData === "string" && instance.props.userData !== "") {
            const vpcId = vpcOfInstance(stack, instance.id);
            scripts.push({ resource: instance, text: instance.props.userData, vpcIds: vpcId !== undefined ? [vpcId] : stackVpcs.length > 0 ? stackVpcs : undefined });
        }
    }
    return scripts;
}

/** Whether the VPC has an endpoint that answers the CLI's default host name of `service`. */
function reachable(stack: PolicyStack, vpcId: unknown, service: string): boolean {
    return ofType(stack, ENDPOINT).some((endpoint) => {
        const { props } = endpoint;
        const name = typeof props.serviceName === "string" ? /^com\.amazonaws\.[a-z0-9-]+\.(.+)$/.exec(props.serviceName)?.[1] : undefined;
        if (props.vpcId !== vpcId || name !== service) {
            return false;
        }
        // S3's gateway endpoint routes the default host names; an interface endpoint answers them
        // only with private DNS (else the CLI resolves the public name, which has no route).
        return props.vpcEndpointType === "Gateway" ? service === "s3" || service === "dynamodb" : props.privateDnsEnabled === true;
    });
}

function findings(stack: PolicyStack): Finding[] {
    const found: Finding[] = [];
    for (const script of scriptsOf(stack)) {
        const services = awsCliServices(script.text);
        if (services.length === 0) {
            continue;
        }
        if (script.vpcIds === undefined) {
            found.push({ resource: script.resource.name, message: `calls AWS (${services.join(", ")}) but runs on servers of no VPC of this stack: its endpoints cannot be checked here` });
            continue;
        }
        for (const vpcId of script.vpcIds) {
            const vpc = byRef(stack, vpcId);
            const vpcName = vpc?.name ?? String(vpcId ?? "<a VPC not created yet>");
            for (const service of services) {
                if (!reachable(stack, vpcId, service)) {
                    const missing = service === "s3" ? "neither a gateway nor an interface endpoint" : "no interface endpoint with private DNS";
                    found.push({ resource: script.resource.name, message: `runs "aws ${service}" in VPC ${vpcName}, which has ${missing} for com.amazonaws.<region>.${service}` });
                }
            }
        }
    }
    return found;
}

export const missingScriptServiceEndpoint: StackRule = {
    kind: "stack",
    name: "ssm-script-service-endpoint",
    description:
        "Every AWS CLI call (`aws <service> ...`) of a script the stack runs on its servers (an SSM Command document's runCommand, an SSM association's `commands` parameter, an instance's user data) has the service's endpoint in the VPC the script runs in: an interface endpoint with private DNS, or S3's gateway endpoint. An association targeting instance ids runs in their VPC; a document or a tag-targeted association in every VPC of the stack.",
    why:
        "The servers live in private subnets with no NAT: an AWS call without an endpoint hangs until it times out, so a setup or an install fails hours into a rollout (the deployment waits for it). The rule reads the script's text: calls made by programs the script starts (the app's own installer), calls with --endpoint-url and the region a call names are not visible to it, and a script that runs on no server of the stack is reported, not passed.",
    enforcement: "mandatory",
    validate: findings,
};
