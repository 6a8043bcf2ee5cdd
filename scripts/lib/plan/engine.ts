// The offline plan engine: runs the real Pulumi program of one stack at a time, in this process,
// under Pulumi's runtime mocks, and records every resource it registers as the plan contract
// describes it (type, logical name, id, parent, inputs with secrets masked, protect, retainOnDelete),
// plus the options that decide how Pulumi orders a replacement: explicit `dependsOn` and
// `deleteBeforeReplace` (only where set, so a plan without them reads as before).
//
// Pulumi's runtime is process-wide state, so stacks are planned strictly one after another, and
// each waits until every registration of the previous one has settled (an in-flight registration
// would otherwise land on the next stack).

import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import {
    specialArchiveSig as ARCHIVE_SIG,
    specialAssetSig as ASSET_SIG,
    specialOutputValueSig as OUTPUT_VALUE_SIG,
    specialResourceSig as RESOURCE_SIG,
    specialSecretSig as SECRET_SIG,
    specialSigKey as SIG_KEY,
    unknownValue as UNKNOWN,
} from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";

import { canonicalJson } from "../../../lib/canonical-json";
import { AwsRuleBreak, checkAwsRules } from "./aws-rules";
import { PROVIDER_NAME } from "./diff/model";
import { PlanMocks, StackOutputsSnapshot } from "./mocks";
import { SECRET_PLACEHOLDER } from "../../../lib/plan-document";
import type { PlannedResource } from "../../../lib/plan-document";
import { noteOnStderr, pulumiInternalsSupported, waitForRPCs, withPulumiInternalsPatched } from "./pulumi-internals";

export const PROJECT = "tenant-platform";
export const ORGANIZATION = "organization";

export type { PlannedResource };

/** What a plan shows of one stack: safe to print, secrets masked. */
export interface StackPlan {
    readonly stack: string;
    readonly resources: PlannedResource[];
    /** Stack outputs with secrets masked. */
    readonly outputs: Record<string, unknown>;
}

export interface PlanStackResult {
    readonly plan: StackPlan;
    /**
     * The outputs with their real values, for the StackReferences of stacks planned later. Kept
     * apart from `plan` so that nothing printing a plan can print a secret.
     */
    readonly snapshot: StackOutputsSnapshot;
    /**
     * The secret inputs (the plan shows them as "[secret]") that AWS would refuse, judged on their
     * real values, each named by its length only (`secretLength`); the resource is the masked one.
     */
    readonly secretRuleBreaks: readonly AwsRuleBreak[];
}

/** A failure of the program itself while planning (a defect or a configuration mistake). */
export class PlanError extends Error {}

function logicalName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** How many secret values `sanitize` has masked: a registration that moved it carries a secret. */
let secretsMasked = 0;

/** Masks secrets and renders Pulumi's special wire values readably, recursively. */
export function sanitize(value: unknown): unknown {
    if (value === UNKNOWN) {
        return "[unknown]";
    }
    if (Array.isArray(value)) {
        return value.map(sanitize);
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const object = value as Record<string, unknown>;
    switch (object[SIG_KEY]) {
        case SECRET_SIG:
            secretsMasked += 1;
            return SECRET_PLACEHOLDER;
        case RESOURCE_SIG:
            return typeof object.id === "string" && object.id !== "" ? object.id : logicalName(String(object.urn));
        case ASSET_SIG:
            return { asset: object.path ?? object.uri ?? (typeof object.text === "string" ? `text (${object.text.length} characters)` : "?") };
        case ARCHIVE_SIG:
            return { archive: object.path ?? object.uri ?? Object.keys((object.assets as object) ?? {}).sort() };
        case OUTPUT_VALUE_SIG:
            if (object.secret === true) {
                secretsMasked += 1;
                return SECRET_PLACEHOLDER;
            }
            return "value" in object ? sanitize(object.value) : "[unknown]";
        default: {
            // A loop rather than Object.fromEntries(Object.entries(...).map(...)): every input of
            // every resource passes here. A key "__proto__" is defined, as fromEntries would, not assigned.
            const sanitized: Record<string, unknown> = {};
            for (const key of Object.keys(object)) {
                const child = sanitize(object[key]);
                if (key === "__proto__") {
                    Object.defineProperty(sanitized, key, { value: child, writable: true, enumerable: true, configurable: true });
                } else {
                    sanitized[key] = child;
                }
            }
            return sanitized;
        }
    }
}

/**
 * The wire value with every secret's own value in place of the placeholder (and `revealed` holding
 * those values), for judging secrets by AWS's rules only: never recorded, printed or kept.
 */
function revealSecrets(value: unknown, revealed: Set<string>): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => revealSecrets(item, revealed));
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const object = value as Record<string, unknown>;
    const secret = object[SIG_KEY] === SECRET_SIG ? object.value : object[SIG_KEY] === OUTPUT_VALUE_SIG && object.secret === true ? object.value : undefined;
    if (typeof secret === "string") {
        revealed.add(secret);
        return secret;
    }
    if (object[SIG_KEY] !== undefined) {
        return sanitize(object);
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
        Object.defineProperty(copy, key, { value: revealSecrets(object[key], revealed), writable: true, enumerable: true, configurable: true });
    }
    return copy;
}

/**
 * The secret inputs of a registration that AWS would refuse (aws-rules.ts on their real values),
 * with the value replaced by the placeholder and its length kept: what is reported names no secret.
 */
function secretBreaksOf(resource: PlannedResource, wireInputs: Record<string, unknown>): AwsRuleBreak[] {
    const revealed = new Set<string>();
    const inputs = providerInputs(resource.type, revealSecrets(wireInputs, revealed) as Record<string, unknown>);
    return checkAwsRules([{ ...resource, inputs }])
        .filter((item) => revealed.has(item.value))
        .map((item) => ({ ...item, resource, value: SECRET_PLACEHOLDER, secretLength: item.value.length }));
}

/**
 * Provider configuration reaches the engine with nested values JSON-encoded (`defaultTags` is a
 * string); decode them so that the plan shows, and policies check, the structure.
 */
function providerInputs(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    if (!type.startsWith("pulumi:providers:")) {
        return inputs;
    }
    return Object.fromEntries(
        Object.entries(inputs).map(([key, value]) => {
            if (typeof value === "string" && /^[[{]/.test(value)) {
                try {
                    return [key, JSON.parse(value) as unknown];
                } catch {
                    return [key, value];
                }
            }
            return [key, value];
        }),
    );
}

/** JSON with keys sorted at every level, so equal plans are byte-identical (lib/canonical-json.ts). */
export { canonicalJson };

interface WireRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom?(): boolean;
    getProtect?(): boolean | undefined;
    getRetainondelete?(): boolean | undefined;
    getProvider(): string;
    getDependenciesList?(): string[];
    getPropertydependenciesMap?(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void } | undefined;
    getDeletebeforereplace?(): boolean | undefined;
    getReplaceonchangesList?(): string[];
    getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
    getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface WireResponse {
    getUrn(): string;
    getId?(): string;
}

type Callback = (error: unknown, response: WireResponse | undefined) => void;

interface Recording {
    readonly urn: string;
    readonly resource: PlannedResource;
    readonly defaultProvider: boolean;
    /** Its secret inputs AWS would refuse (secretBreaksOf); absent when it has none. */
    readonly secretBreaks?: AwsRuleBreak[];
    /** The logical name of the provider resource it was registered with; absent for a component or the default provider. */
    readonly provider?: string;
}

/**
 * Wraps the mock monitor so that every registration (and read, e.g. a StackReference) is recorded
 * with what the plain mocks interface does not see: parent, protect and retainOnDelete.
 */
function recordRegistrations(monitor: MockMonitor, sink: (recording: Recording) => void): void {
    const wrap = (method: "registerResource" | "readResource", inputsOf: (req: WireRequest) => Record<string, unknown>) => {
        const original = monitor[method].bind(monitor) as (req: WireRequest, callback: Callback) => Promise<void>;
        (monitor as unknown as Record<string, unknown>)[method] = (req: WireRequest, callback: Callback) =>
            original(req, (error, response) => {
                if (!error && response) {
                    const parent = req.getParent();
                    const provider = req.getProvider();
                    const wireInputs = inputsOf(req);
                    const masked = secretsMasked;
                    const resource: PlannedResource = {
                        type: req.getType(),
                        name: req.getName(),
                        id: response.getId?.() || (method === "readResource" ? String((req as unknown as { getId(): string }).getId()) : response.getUrn()),
                        parent: parent ? logicalName(parent) : null,
                        inputs: providerInputs(req.getType(), sanitize(wireInputs) as Record<string, unknown>),
                        protect: req.getProtect?.() ?? false,
                        retainOnDelete: req.getRetainondelete?.() ?? false,
                        ...replacementOptions(req),
                    };
                    // Only a registration with a secret is judged again, on its secrets' real values.
                    const secretBreaks = secretsMasked === masked ? [] : secretBreaksOf(resource, wireInputs);
                    sink({
                        urn: response.getUrn(),
                        // No reference at all (the mock monitor's way) or the engine's default one.
                        defaultProvider: provider === "" || /::pulumi:providers:[^:]+::default(_[0-9_]+)?::/.test(provider),
                        resource,
                        ...(secretBreaks.length > 0 ? { secretBreaks } : {}),
                        // `urn::id` of a provider resource, as the SDK sends it.
                        ...(provider !== "" ? { provider: logicalName(provider.split("::").slice(0, -1).join("::")) } : {}),
                    });
                }
                callback(error, response);
            });
    };
    wrap("registerResource", (req) => req.getObject?.()?.toJavaScript() ?? {});
    wrap("readResource", (req) => req.getProperties?.()?.toJavaScript() ?? {});
}

/**
 * `dependsOn` (the dependencies no input carries), `deleteBeforeReplace` and `replaceOnChanges` of a registration,
 * only where set. The Node SDK sends every direct dependency in `dependencies` and those carried by
 * an input again per property (`propertyDependencies`): the difference is what `dependsOn` added.
 */
function replacementOptions(req: WireRequest): Pick<PlannedResource, "dependsOn" | "deleteBeforeReplace" | "replaceOnChanges"> {
    const throughInputs = new Set<string>();
    req.getPropertydependenciesMap?.()?.forEach((dependencies) => dependencies.getUrnsList().forEach((urn) => throughInputs.add(urn)));
    const explicit = [...new Set((req.getDependenciesList?.() ?? []).filter((urn) => !throughInputs.has(urn)).map(logicalName))].sort();
    return {
        ...(explicit.length > 0 ? { dependsOn: explicit } : {}),
        ...(req.getDeletebeforereplace?.() === true ? { deleteBeforeReplace: true as const } : {}),
        ...((req.getReplaceonchangesList?.() ?? []).length > 0 ? { replaceOnChanges: [...req.getReplaceonchangesList!()].sort() } : {}),
    };
}

/**
 * Marks a planned resource with the logical name of its provider resource, as a property no plan
 * document, spill or cache entry carries (not enumerable: JSON and structured clones leave it
 * out): the diff of the thread that planned the stack reads it (diff/stacks.ts, a replaced provider
 * replaces what it manages). The contract's resource has no provider field.
 */
function withProviderName(resource: PlannedResource, provider: string): PlannedResource {
    return Object.defineProperty(resource, PROVIDER_NAME, { value: provider, enumerable: false });
}

/** Resolves a program's outputs (values that may be Outputs or promises), noting which are secret. */
async function resolveOutputs(outputs: Record<string, unknown>): Promise<{ values: Record<string, unknown>; secrets: string[] }> {
    const values: Record<string, unknown> = {};
    const secrets: string[] = [];
    for (const [key, value] of Object.entries(outputs)) {
        const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
        const [resolved, secret] = await Promise.all([
            new Promise<unknown>((resolve) => output.apply((v: unknown) => resolve(v))),
            pulumi.isSecret(output),
        ]);
        values[key] = resolved;
        if (secret) {
            secrets.push(key);
        }
    }
    return { values, secrets };
}

export interface PlanStackOptions {
    /** The stack name (tenant id or `platform-<region>`). */
    readonly stack: string;
    /** The region of resources whose provider sets none. */
    readonly region: string;
    /** Stack config, unqualified keys in the project's namespace (`directoryPassword`). */
    readonly config?: Readonly<Record<string, string>>;
    /** Keys of `config` whose values are secret. */
    readonly secretConfigKeys?: readonly string[];
    /** Outputs of already planned stacks, by fully qualified name, for StackReferences. */
    readonly stackOutputs?: ReadonlyMap<string, StackOutputsSnapshot>;
    /** The program: registers resources and returns the stack outputs. */
    readonly program: () => Record<string, unknown> | Promise<Record<string, unknown>>;
    /**
     * Whether to evaluate the stack with Pulumi's internals patched for speed
     * (scripts/lib/plan/pulumi-internals.ts): the same plan, several times faster. Default: yes,
     * where the installed versions are the ones the patches support (otherwise the plan says so
     * once and runs without them). `false`: as Pulumi ships, whatever the versions.
     */
    readonly patchInternals?: boolean;
}

export function qualifiedStackName(stack: string): string {
    return `${ORGANIZATION}/${PROJECT}/${stack}`;
}

/** A stack config key as Pulumi stores it: `directoryPassword` is `tenant-platform:directoryPassword`. */
export function qualifyConfigKey(key: string): string {
    return key.includes(":") ? key : `${PROJECT}:${key}`;
}

/**
 * Plans one stack. Registrations are isolated per stack: each gets a fresh mock monitor, its own
 * config (Pulumi's config store is not reset by `setMocks`), and the previous stack has settled.
 *
 * The stack is evaluated with Pulumi's internals patched ({@link PlanStackOptions.patchInternals}):
 * the graph does not depend on what they turn off, and a stack that fails is evaluated once more
 * without them, so that its error (and its stack trace) is as useful as ever. Where it then
 * succeeds, the patches were at fault: it is planned without them, and the plan says so.
 */
export async function planStack(options: PlanStackOptions): Promise<PlanStackResult> {
    if (options.patchInternals === false || !pulumiInternalsSupported()) {
        return evaluateStack(options);
    }
    let patchedFailure: unknown;
    try {
        return await withPulumiInternalsPatched(() => evaluateStack(options));
    } catch (error) {
        patchedFailure = error;
    }
    const result = await evaluateStack(options);
    noteOnStderr(
        `${options.stack}: planned without the speed patches of Pulumi's internals, with which it failed (${patchedFailure instanceof Error ? patchedFailure.message : String(patchedFailure)}); ` +
            "they do not fit the installed @pulumi/pulumi: see scripts/lib/plan/pulumi-internals.ts",
    );
    return result;
}

async function evaluateStack(options: PlanStackOptions): Promise<PlanStackResult> {
    await waitForRPCs();
    const config = Object.fromEntries(Object.entries(options.config ?? {}).map(([key, value]) => [qualifyConfigKey(key), value]));
    pulumi.runtime.setAllConfig(config, (options.secretConfigKeys ?? []).map(qualifyConfigKey));
    const mocks = new PlanMocks({ stack: options.stack, region: options.region, stackOutputs: options.stackOutputs ?? new Map() });
    await pulumi.runtime.setMocks(mocks, PROJECT, options.stack, false, ORGANIZATION);
    const monitor = settings.getMonitor() as unknown as MockMonitor;

    const recordings: Recording[] = [];
    recordRegistrations(monitor, (recording) => recordings.push(recording));

    // Errors inside apply callbacks and registrations surface as unhandled rejections; while this
    // stack is planned they are its failures, not the process's.
    const failures: unknown[] = [];
    const onRejection = (reason: unknown): void => {
        failures.push(reason);
    };
    process.on("unhandledRejection", onRejection);
    let outputs: { values: Record<string, unknown>; secrets: string[] } | undefined;
    try {
        const returned = await options.program();
        outputs = await resolveOutputs(returned);
    } catch (error) {
        failures.unshift(error);
    } finally {
        // Whatever happened, this stack settles completely before the next one starts: every
        // registration in flight lands here, and rejections (reported on a later turn of the
        // event loop than the failure itself) are this stack's.
        await waitForRPCs().catch((error: unknown) => failures.push(error));
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
    }
    if (failures.length > 0 || outputs === undefined) {
        throw asPlanError(options.stack, failures[0]);
    }

    const seen = new Set<string>();
    for (const { urn, resource, defaultProvider } of recordings) {
        if (seen.has(urn)) {
            throw new PlanError(`${options.stack}: two resources have the URN ${urn}; the Pulumi engine rejects duplicate URNs (give them distinct names)`);
        }
        seen.add(urn);
        if (defaultProvider && resource.type.startsWith("aws:") && resource.type !== "pulumi:providers:aws") {
            throw new PlanError(
                `${options.stack}: ${resource.type} "${resource.name}" uses the default AWS provider; pass the stack's provider (it carries the region and the required tags)`,
            );
        }
    }
    // A real preview shows the inputs as the provider's check returns them: the generated names too.
    const resources = recordings
        .map(({ resource, provider }) => {
            const generated = mocks.generatedInputs(resource.type, resource.name);
            const planned = generated ? { ...resource, inputs: { ...resource.inputs, ...generated } } : resource;
            return provider === undefined ? planned : withProviderName(planned, provider);
        })
        .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    const masked = Object.fromEntries(
        Object.entries(outputs.values).map(([key, value]) => [key, outputs.secrets.includes(key) ? SECRET_PLACEHOLDER : value]),
    );
    return {
        plan: { stack: options.stack, resources, outputs: masked },
        snapshot: { outputs: outputs.values, secretOutputNames: outputs.secrets },
        secretRuleBreaks: recordings.flatMap((recording) => recording.secretBreaks ?? []),
    };
}

function asPlanError(stack: string, error: unknown): PlanError {
    if (error instanceof PlanError) {
        return error;
    }
    if (pulumi.RunError.isInstance(error as Error) || (error as Error)?.name === "PlanMockError") {
        return new PlanError((error as Error).message);
    }
    const message = error instanceof Error ? error.message : String(error);
    const plan = new PlanError(`${stack}: the program failed: ${message}`);
    plan.stack = error instanceof Error ? `${plan.message}\n${error.stack ?? ""}` : plan.message;
    return plan;
}
