// Every use of @pulumi/pulumi's and google-protobuf's internals, in one module, for the offline plan
// only (the plan engine and its worker threads; never the deployed program, which runs Pulumi as
// it ships). They make a plan about 7x faster (bench/README.md) and change nothing in its document:
// test/pulumi-internals.test.ts plans the fixture fleet with and without them and compares the
// documents byte for byte.
//
// They were written for, and checked against, the exact versions in SUPPORTED_VERSIONS
// (pulumi-versions.ts). With any other version installed (an upgrade), or a patched function not of
// the shape expected, the plan runs without them, slower but right, and says so once on stderr.
// Widen SUPPORTED_VERSIONS only after checking each patch below, and deferred-modules.ts, against
// the new version's source and running their tests.

import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";

import { inRange, InstalledPackages, installedPackages, PatchedPackage, SUPPORTED_VERSIONS } from "./pulumi-versions";

/** The line a plan writes on stderr about its use of Pulumi's internals (the plan CLI's `plan: ` prefix). */
export function noteOnStderr(note: string): void {
    process.stderr.write(`plan: ${note}\n`);
}

/** The functions the patches swap, on the module objects their callers look them up on at each call. */
interface PatchTargets {
    readonly debuggable: { debuggablePromise: <T>(promise: Promise<T>, context: string) => Promise<T> };
    readonly resource: { callsites: () => unknown[] };
    readonly Struct: StructClass;
    readonly rpc: RpcModule;
    readonly Output: OutputClass;
    readonly errors: { isGrpcError: (error: unknown) => boolean };
    /** What runtime/rpc.js `serializeProperty` tests an object for before taking it as plain data. */
    readonly special: readonly ValueTest[];
    readonly settings: { excessiveDebugOutput: boolean };
    readonly dependsOn: DependsOnModule;
    /** Pulumi's own tests for a component and a custom resource (`ComponentResource.isInstance`, `CustomResource.isInstance`). */
    readonly kinds: ResourceKinds;
}

/** What runtime/dependsOn.js exports that the patches swap. */
interface DependsOnModule {
    gatherExplicitDependencies: (dependsOn: unknown) => Promise<unknown[]>;
    getAllTransitivelyReferencedResourceURNs: ReferencedUrns;
}
/** `runtime/dependsOn.getAllTransitivelyReferencedResourceURNs`: the URNs a registration depends on. */
type ReferencedUrns = (resources: Iterable<unknown> | undefined, exclude: ReadonlySet<unknown>) => Promise<Set<string>>;
export interface ResourceKinds {
    readonly isComponent: ValueTest;
    readonly isCustom: ValueTest;
}

/** What runtime/rpc.js exports that the patches swap or call. */
interface RpcModule {
    transferProperties: TransferProperties;
    serializeProperty: (context: string, value: unknown, dependentResources: Set<unknown> | undefined, options?: SerializeOptions) => Promise<unknown>;
    serializeProperties: (label: string, props: Record<string, unknown>, options?: SerializeOptions) => Promise<Record<string, unknown>>;
    serializeResourceProperties: SerializeWithDependencies;
    serializePropertiesReturnDeps: SerializeWithDependencies;
}
interface SerializeOptions {
    readonly pendingRegistration?: { inputProperty?: string };
}
type SerializeWithDependencies = (
    label: string,
    props: Record<string, unknown>,
    options?: SerializeOptions,
) => Promise<[Record<string, unknown>, Map<string, Set<unknown>>]>;
/** Pulumi's tests for the values it serializes specially (each `isInstance`, `output.isUnknown`). */
type ValueTest = (value: unknown) => boolean;

/** `runtime/rpc.transferProperties`: puts an Output per property on a resource, returns their resolvers. */
type TransferProperties = (onto: object, label: string, props: Record<string, unknown>) => Record<string, PropertyResolver>;
type PropertyResolver = (value: unknown, isKnown: boolean, isSecret: boolean, deps?: unknown[], error?: unknown) => void;
/** @pulumi/pulumi's `OutputImpl` constructor, as transferProperties calls it. */
type OutputClass = new (resources: object, value: Promise<unknown>, isKnown: Promise<boolean>, isSecret: Promise<boolean>, deps: Promise<unknown[]>) => object;

/** What the runtime and the mock monitor pass each other: a JSON-shaped value in a protobuf Struct. */
interface StructClass {
    fromJavaScript(value: Record<string, unknown>): StructLike;
    new (): StructLike;
}
interface StructLike {
    toJavaScript(): Record<string, unknown>;
    getFieldsMap(): unknown;
}

/** What the patches swap, looked up once per thread. */
let targets: PatchTargets | undefined;

function patchTargets(installed: InstalledPackages): PatchTargets {
    return {
        debuggable: require(path.join(installed["@pulumi/pulumi"].dir, "runtime", "debuggable")) as PatchTargets["debuggable"],
        resource: pulumi.Resource as unknown as PatchTargets["resource"],
        Struct: (require(path.join(installed["google-protobuf"].dir, "google", "protobuf", "struct_pb")) as { Struct: StructClass }).Struct,
        rpc: require(path.join(installed["@pulumi/pulumi"].dir, "runtime", "rpc")) as PatchTargets["rpc"],
        Output: (require(path.join(installed["@pulumi/pulumi"].dir, "output")) as { Output: OutputClass }).Output,
        errors: require(path.join(installed["@pulumi/pulumi"].dir, "errors")) as PatchTargets["errors"],
        special: specialValueTests(installed["@pulumi/pulumi"].dir),
        settings: require(path.join(installed["@pulumi/pulumi"].dir, "runtime", "settings")) as PatchTargets["settings"],
        dependsOn: require(path.join(installed["@pulumi/pulumi"].dir, "runtime", "dependsOn")) as DependsOnModule,
        kinds: resourceKinds(installed["@pulumi/pulumi"].dir),
    };
}

/** @pulumi/pulumi's tests of a resource's kind, as runtime/dependsOn.js applies them (checked to be functions by checkPulumiInternals). */
export function resourceKinds(dir: string): ResourceKinds {
    type IsInstance = { isInstance: ValueTest };
    const resource = require(path.join(dir, "resource")) as { CustomResource?: IsInstance; ComponentResource?: IsInstance };
    const test = (type: IsInstance | undefined): ValueTest => type?.isInstance?.bind(type) as ValueTest;
    return { isComponent: test(resource.ComponentResource), isCustom: test(resource.CustomResource) };
}

/** In the order runtime/rpc.js `serializeProperty` applies them (@pulumi/pulumi 3.270.0). */
export function specialValueTests(dir: string): ValueTest[] {
    type IsInstance = { isInstance: ValueTest };
    const asset = require(path.join(dir, "asset")) as { Asset: IsInstance; Archive: IsInstance };
    const output = require(path.join(dir, "output")) as { Output: IsInstance; isUnknown: ValueTest };
    const resource = require(path.join(dir, "resource")) as { CustomResource: IsInstance; ComponentResource: IsInstance };
    const tests = [asset.Asset, asset.Archive, output.Output, resource.CustomResource, resource.ComponentResource].map((type) => type?.isInstance);
    const all = [...tests, output.isUnknown].map((test) => (typeof test === "function" ? test : () => true));
    // Each test reads one boolean member (utils.hasTrueBooleanMember: `obj[name] === true`), and
    // isUnknown Unknown's ("__pulumiUnknown", output.js). Where the sources say so, the members are
    // read directly: the same reads, without five calls per object serialized. Otherwise the tests.
    const members = tests.map((test) => (typeof test === "function" ? /^(?:static\s+)?isInstance\(obj\)\s*\{\s*return utils\.isInstance\(obj, "(__pulumi[A-Za-z]+)"\);\s*\}$/.exec(test.toString())?.[1] : undefined));
    const unknown = typeof output.isUnknown === "function" && /^function isUnknown\(val\)\s*\{\s*return Unknown\.isInstance\(val\);\s*\}$/.test(output.isUnknown.toString()) ? "__pulumiUnknown" : undefined;
    const names = [...members, unknown];
    if (names.some((name) => name === undefined)) {
        return all;
    }
    const read = names as string[];
    return [(value) => read.some((name) => (value as Record<string, unknown>)[name] === true)];
}

/**
 * Whether the patches may be used with these packages: each within its supported range, and each
 * patched function of the shape expected. When not, `report` is told why, in one line, and the
 * plan is to run without them.
 */
export function checkPulumiInternals(installed: InstalledPackages, report: (note: string) => void): boolean {
    const outside = (Object.keys(SUPPORTED_VERSIONS) as PatchedPackage[])
        .filter((name) => !inRange(installed[name].version, SUPPORTED_VERSIONS[name]))
        .map((name) => `${name} ${installed[name].version} (supported: ${SUPPORTED_VERSIONS[name].from} through ${SUPPORTED_VERSIONS[name].through})`);
    const off = (why: string): false => {
        report(`planning without the speed patches of Pulumi's internals (slower, the same plan): ${why}; see scripts/lib/plan/pulumi-internals.ts`);
        return false;
    };
    if (outside.length > 0) {
        return off(`installed ${outside.join(", ")}`);
    }
    let found: PatchTargets;
    try {
        found = patchTargets(installed);
    } catch (error) {
        return off(`cannot load what they patch: ${(error as Error).message}`);
    }
    const shapes: [string, unknown][] = [
        ["@pulumi/pulumi runtime/debuggable.debuggablePromise", found.debuggable.debuggablePromise],
        ["@pulumi/pulumi Resource.callsites", found.resource.callsites],
        ["google-protobuf Struct.fromJavaScript", found.Struct?.fromJavaScript],
        ["@pulumi/pulumi runtime/rpc.transferProperties", found.rpc.transferProperties],
        ["@pulumi/pulumi output.Output", found.Output],
        ["@pulumi/pulumi errors.isGrpcError", found.errors.isGrpcError],
        ["@pulumi/pulumi runtime/rpc.serializeProperty", found.rpc.serializeProperty],
        ["@pulumi/pulumi runtime/rpc.serializeProperties", found.rpc.serializeProperties],
        ["@pulumi/pulumi runtime/rpc.serializeResourceProperties", found.rpc.serializeResourceProperties],
        ["@pulumi/pulumi runtime/rpc.serializePropertiesReturnDeps", found.rpc.serializePropertiesReturnDeps],
        ["@pulumi/pulumi runtime/dependsOn.gatherExplicitDependencies", found.dependsOn.gatherExplicitDependencies],
        ["@pulumi/pulumi runtime/dependsOn.getAllTransitivelyReferencedResourceURNs", found.dependsOn.getAllTransitivelyReferencedResourceURNs],
        ["@pulumi/pulumi resource.ComponentResource.isInstance", found.kinds.isComponent],
        ["@pulumi/pulumi resource.CustomResource.isInstance", found.kinds.isCustom],
    ];
    const missing = shapes.filter(([, target]) => typeof target !== "function").map(([name]) => name);
    if (missing.length > 0) {
        return off(`not a function: ${missing.join(", ")}`);
    }
    return true;
}

/**
 * {@link checkPulumiInternals} of what `read` finds, made on the first call only: the plan says why
 * the patches are off once, not per stack.
 */
export function internalsGate(read: () => InstalledPackages, report: (note: string) => void): () => boolean {
    let supported: boolean | undefined;
    return () => (supported ??= checkPulumiInternals(read(), report));
}

/** Whether the installed packages are supported; checked once per thread, said on stderr when not. */
export const pulumiInternalsSupported: () => boolean = internalsGate(installedPackages, noteOnStderr);

/**
 * Runs `work` with every patch on, and restores everything however it ends. Call it only where
 * {@link pulumiInternalsSupported}. The patches, and why each leaves the plan unchanged:
 *
 * What @pulumi/pulumi does for diagnostics on every registration, none of which a plan shows, and
 * which was most of a tenant's plan time (profiled on the benchmark fleet, bench/README.md):
 * - `debuggablePromise` (runtime/debuggable.js) records `new Error().stack` on each of the four
 *   promises of every output property, plus leak bookkeeping, for the report of promises still
 *   pending when a program exits; a plan waits for every registration to settle, so there is
 *   nothing to report. Swapped for the identity.
 * - `Resource.callsites` takes an unlimited stack trace per resource for the engine's source
 *   positions, which the mock monitor drops. Swapped for "no call sites".
 * - `Error.stackTraceLimit` 0 and, under tsx, source maps off: no frame of any other trace is
 *   captured or mapped. A stack that fails is evaluated again without the patches (planStack), so
 *   its error keeps its stack trace.
 * - google-protobuf's `Struct.fromJavaScript`: see {@link inProcessStruct}.
 * - runtime/rpc.js `transferProperties`: each property's Output made when first read, see
 *   {@link lazyTransferProperties}.
 * - runtime/rpc.js `serializeProperties`, `serializeResourceProperties` and
 *   `serializePropertiesReturnDeps`: plain data serialized at once, see {@link plainFirstSerialization}.
 * - runtime/dependsOn.js `getAllTransitivelyReferencedResourceURNs` and `gatherExplicitDependencies`:
 *   dependencies without a component answered at once, see {@link directDependencyUrns}.
 */
export async function withPulumiInternalsPatched<T>(work: () => Promise<T>): Promise<T> {
    // Re-entrant: plans that overlap in one thread (two fleets planned at once) share one patched
    // window; the first in saves and patches, the last out restores. Saving in each call would let
    // the second save the first's patched values and restore them for good.
    if (patchedWindows === 0) {
        targets ??= patchTargets(installedPackages());
        originals = patch(targets);
    }
    patchedWindows += 1;
    try {
        return await work();
    } finally {
        patchedWindows -= 1;
        if (patchedWindows === 0) {
            restore(targets!, originals!);
            originals = undefined;
        }
    }
}

/** What the patches replaced, to put back. */
interface Originals {
    readonly stackTraceLimit: number;
    readonly sourceMaps: boolean;
    readonly debuggablePromise: PatchTargets["debuggable"]["debuggablePromise"];
    readonly callsites: PatchTargets["resource"]["callsites"];
    readonly fromJavaScript: StructClass["fromJavaScript"];
    readonly transferProperties: TransferProperties;
    readonly serializeProperties: RpcModule["serializeProperties"];
    readonly serializeResourceProperties: SerializeWithDependencies;
    readonly serializePropertiesReturnDeps: SerializeWithDependencies;
    readonly gatherExplicitDependencies: DependsOnModule["gatherExplicitDependencies"];
    readonly getAllTransitivelyReferencedResourceURNs: ReferencedUrns;
}

/** How many patched windows are open in this thread. */
let patchedWindows = 0;
let originals: Originals | undefined;

function patch({ debuggable, resource, Struct, rpc, Output, errors, special, settings, dependsOn, kinds }: PatchTargets): Originals {
    const saved: Originals = {
        stackTraceLimit: Error.stackTraceLimit,
        sourceMaps: (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true,
        debuggablePromise: debuggable.debuggablePromise,
        callsites: resource.callsites,
        fromJavaScript: Struct.fromJavaScript,
        transferProperties: rpc.transferProperties,
        serializeProperties: rpc.serializeProperties,
        serializeResourceProperties: rpc.serializeResourceProperties,
        serializePropertiesReturnDeps: rpc.serializePropertiesReturnDeps,
        gatherExplicitDependencies: dependsOn.gatherExplicitDependencies,
        getAllTransitivelyReferencedResourceURNs: dependsOn.getAllTransitivelyReferencedResourceURNs,
    };
    Error.stackTraceLimit = 0;
    if (saved.sourceMaps) {
        process.setSourceMapsEnabled(false);
    }
    debuggable.debuggablePromise = (promise) => promise;
    resource.callsites = () => [];
    Struct.fromJavaScript = inProcessStruct(Struct, saved.fromJavaScript);
    rpc.transferProperties = lazyTransferProperties(Output, errors.isGrpcError);
    const serialize = plainFirstSerialization(rpc.serializeProperty, special, settings);
    rpc.serializeProperties = async (label, props, options) => (await serialize(label, props, () => true, options))[0];
    rpc.serializeResourceProperties = (label, props, options) => serialize(label, props, (key) => key !== "id" && key !== "urn", options);
    rpc.serializePropertiesReturnDeps = (label, props, options) => serialize(label, props, () => true, options);
    dependsOn.getAllTransitivelyReferencedResourceURNs = directDependencyUrns(saved.getAllTransitivelyReferencedResourceURNs, kinds);
    dependsOn.gatherExplicitDependencies = noDependenciesAtOnce(saved.gatherExplicitDependencies);
    return saved;
}

function restore({ debuggable, resource, Struct, rpc, dependsOn }: PatchTargets, saved: Originals): void {
    dependsOn.getAllTransitivelyReferencedResourceURNs = saved.getAllTransitivelyReferencedResourceURNs;
    dependsOn.gatherExplicitDependencies = saved.gatherExplicitDependencies;
    rpc.transferProperties = saved.transferProperties;
    rpc.serializeProperties = saved.serializeProperties;
    rpc.serializeResourceProperties = saved.serializeResourceProperties;
    rpc.serializePropertiesReturnDeps = saved.serializePropertiesReturnDeps;
    Error.stackTraceLimit = saved.stackTraceLimit;
    debuggable.debuggablePromise = saved.debuggablePromise;
    resource.callsites = saved.callsites;
    Struct.fromJavaScript = saved.fromJavaScript;
    if (saved.sourceMaps) {
        process.setSourceMapsEnabled(true);
    }
}

/**
 * Between Pulumi's runtime and the mock monitor every registration crosses as protobuf twice: the
 * inputs built into a `Struct` and read back out, the state likewise. Both ends are in this
 * thread, so the encoding only copies: 15% of a plan's time (bench/README.md). Here a Struct
 * made from a value carries the value itself, which `toJavaScript` returns as it is; the encoded
 * form is built only if something asks for its fields.
 *
 * The encoding copies the value when it is handed over; carrying the value itself is the same only
 * if neither end changes it afterwards. In @pulumi/pulumi 3.270.0 neither does: the runtime hands
 * over properties that `serializeProperties` has just built (runtime/resource.js, invoke.js), the
 * mock monitor its freshly serialized state (runtime/mocks.js), and every reader copies the value
 * (`deserializeProperties`) or only reads it (the plan's recording). So that a version which does
 * change a value afterwards fails rather than plans wrong, the value is frozen, deeply, when it is
 * handed over: @pulumi/pulumi's code is strict, so a write to it throws, the stack fails under the
 * patches, is planned again without them, and the plan says so (planStack).
 */
function inProcessStruct(Struct: StructClass, encode: StructClass["fromJavaScript"]): StructClass["fromJavaScript"] {
    class InProcessStruct extends Struct {
        constructor(private readonly value: Record<string, unknown>) {
            super();
        }
        override toJavaScript(): Record<string, unknown> {
            return this.value;
        }
        override getFieldsMap(): unknown {
            return encode.call(Struct, this.value).getFieldsMap();
        }
    }
    return (value) => new InProcessStruct(deepFreeze(value));
}

/**
 * A registered resource gets an `Output` for every property of its type (runtime/rpc.js
 * `transferProperties`): every input and every output the provider's schema declares, whether set
 * or not (`aws.ec2.Instance` has 122). Each Output is a Proxy over about a dozen promises, settled
 * when the registration returns, and a program reads a few of them: building and settling the rest
 * was the largest share of a plan's time (bench/README.md). Here each property is a getter that
 * builds its Output, exactly as transferProperties does, the first time it is read; what the
 * registration settled before then (the resolver's call, recorded) is replayed on the new promises,
 * so a late reader sees the same value, known-ness, secretness, dependencies or error. A property
 * never read never builds one. Assigning the property replaces the getter, as it would the value.
 *
 * What differs is only when promise callbacks run, never what they see: an Output's value comes
 * from its registration alone. The plan does not depend on that order (ids and names derive from
 * each resource's own type and name, scripts/lib/plan/mocks.ts), and the documents are compared
 * with and without the patch (test/pulumi-internals.test.ts).
 */
export function lazyTransferProperties(Output: OutputClass, isGrpcError: (error: unknown) => boolean): TransferProperties {
    // Per resource, per property not yet read: the resolver's calls so far (one, in practice), in order.
    const pending = new WeakMap<object, Map<string, Parameters<PropertyResolver>[]>>();
    // Per property name, the accessor every resource shares (functions made per property and
    // resource were most of the cost this saves).
    const accessors = new Map<string, PropertyDescriptor>();
    const accessorOf = (key: string): PropertyDescriptor => {
        let accessor = accessors.get(key);
        if (accessor === undefined) {
            accessor = {
                enumerable: true,
                configurable: true,
                get(this: object) {
                    return materialize(this, key);
                },
                set(this: object, value: unknown) {
                    pending.get(this)?.delete(key);
                    assign(this, key, value);
                },
            };
            accessors.set(key, accessor);
        }
        return accessor;
    };
    function assign(onto: object, key: string, value: unknown): void {
        Object.defineProperty(onto, key, { value, writable: true, enumerable: true, configurable: true });
    }
    function materialize(onto: object, key: string): object {
        const calls = pending.get(onto);
        const { output, settle } = transferredOutput(onto);
        for (const call of calls?.get(key) ?? []) {
            settle(...call);
        }
        // Later calls of the resolver go straight to the Output's promises.
        calls?.set(key, Object.assign([], { settle }));
        assign(onto, key, output);
        return output;
    }
    // The Output and resolver transferProperties makes for one property, line for line
    // (@pulumi/pulumi 3.270.0 runtime/rpc.js; debuggablePromise is the identity while patched).
    function transferredOutput(onto: object): { output: object; settle: PropertyResolver } {
        let resolveValue!: (value: unknown) => void;
        let rejectValue!: (error: unknown) => void;
        let resolveIsKnown!: (value: boolean) => void;
        let rejectIsKnown!: (error: unknown) => void;
        let resolveIsSecret!: (value: boolean) => void;
        let rejectIsSecret!: (error: unknown) => void;
        let resolveDeps!: (value: unknown[]) => void;
        let rejectDeps!: (error: unknown) => void;
        const output = new Output(
            onto,
            new Promise((resolve, reject) => {
                resolveValue = resolve;
                rejectValue = reject;
            }),
            new Promise<boolean>((resolve, reject) => {
                resolveIsKnown = resolve;
                rejectIsKnown = reject;
            }),
            new Promise<boolean>((resolve, reject) => {
                resolveIsSecret = resolve;
                rejectIsSecret = reject;
            }),
            new Promise<unknown[]>((resolve, reject) => {
                resolveDeps = resolve;
                rejectDeps = reject;
            }),
        );
        return {
            output,
            settle(value, isKnown, isSecret, deps = [], error) {
                if (error) {
                    if (isGrpcError(error)) {
                        return;
                    }
                    rejectValue(error);
                    rejectIsKnown(error);
                    rejectIsSecret(error);
                    rejectDeps(error);
                } else {
                    resolveValue(value);
                    resolveIsKnown(isKnown);
                    resolveIsSecret(isSecret);
                    resolveDeps(deps);
                }
            },
        };
    }
    function resolverOf(calls: Map<string, Parameters<PropertyResolver>[]>, key: string): PropertyResolver {
        return function (...args) {
            const recorded = calls.get(key) as (Parameters<PropertyResolver>[] & { settle?: PropertyResolver }) | undefined;
            if (recorded === undefined) {
                calls.set(key, [args]);
            } else if (recorded.settle) {
                recorded.settle(...args);
            } else {
                recorded.push(args);
            }
        };
    }
    return function (onto, label, props) {
        const resolvers: Record<string, PropertyResolver> = {};
        const calls = new Map<string, Parameters<PropertyResolver>[]>();
        pending.set(onto, calls);
        for (const key of Object.keys(props)) {
            // Skipped as transferProperties skips them: the registration sets them itself.
            if (key === "id" || key === "urn") {
                continue;
            }
            if (Object.prototype.hasOwnProperty.call(onto, key)) {
                throw new Error(`Property '${key}' is already initialized on target '${label}`);
            }
            resolvers[key] = resolverOf(calls, key);
            Object.defineProperty(onto, key, accessorOf(key));
        }
        return resolvers;
    };
}

/**
 * A registration asks for the URNs it depends on (runtime/resource.js `prepareResource`): once for
 * its `dependsOn`, and once per property it sets, through
 * `getAllTransitivelyReferencedResourceURNs`, which walks the components among the resources to
 * the custom resources they parent. Most properties depend on nothing, and most dependencies are
 * custom resources, yet each call went through four async functions, two `Promise.all`s and three
 * Sets: a tenth of a plan's allocations (profiled, bench/README.md). Here a collection with no
 * component in it is answered directly: the same resources the walk keeps (custom or remote, not
 * in `exclude`, each once, in order), their URNs awaited together into a Set as the walk does, and
 * none at all without a promise to wait on. A collection with a component in it (or none at all)
 * is Pulumi's own walk, as before.
 */
export function directDependencyUrns(walk: ReferencedUrns, { isComponent, isCustom }: ResourceKinds): ReferencedUrns {
    return async (resources, exclude) => {
        if (resources === undefined || resources === null) {
            return walk(resources, exclude);
        }
        const unique = new Set<unknown>();
        for (const resource of resources) {
            if (isComponent(resource)) {
                return walk(resources, exclude);
            }
            unique.add(resource);
        }
        const urns: Promise<string>[] = [];
        for (const resource of unique) {
            if ((isCustom(resource) || (resource as { __remote?: unknown }).__remote) && !exclude.has(resource)) {
                urns.push((resource as { urn: { promise(): Promise<string> } }).urn.promise());
            }
        }
        return urns.length === 0 ? new Set<string>() : new Set(await Promise.all(urns));
    };
}

/**
 * `gatherExplicitDependencies` of a registration without `dependsOn` (or `replaceWith`), which is
 * most: an empty list, as Pulumi's answers it, without its async turn.
 */
export function noDependenciesAtOnce(gather: DependsOnModule["gatherExplicitDependencies"]): DependsOnModule["gatherExplicitDependencies"] {
    return (dependsOn) => (dependsOn ? gather(dependsOn) : Promise.resolve([]));
}

/** What {@link plainValue} answers for a value it leaves to Pulumi's own serialization. */
const NOT_PLAIN = Symbol("not plain data");

/** Deeper than this, a value is left to Pulumi's serialization (which a cycle would hang as before). */
const PLAIN_DEPTH = 64;

/**
 * A registration's properties, and the mock monitor's state, are serialized by runtime/rpc.js
 * `serializeFilteredProperties` one awaited `serializeProperty` call per property, and per element
 * and key inside: a dozen promises for a value as plain as `undefined`, which most of a resource's
 * properties are (every output its type declares). Here a property that is plain data (a
 * primitive, or arrays and plain objects of them, none of them a value Pulumi serializes
 * specially) is serialized at once, by `serializeProperty`'s own rules (functions and undefined
 * dropped from objects, null in arrays); anything else (an Output, a promise, a resource, an asset)
 * is left to `serializeProperty` itself, as before. The same properties, in the same order, with
 * the same dependencies (plain data has none), the same errors (with the property named, as
 * serializeFilteredProperties names it); only fewer turns of the event loop.
 */
export function plainFirstSerialization(
    serializeProperty: RpcModule["serializeProperty"],
    special: readonly ValueTest[],
    settings: { readonly excessiveDebugOutput: boolean },
): (label: string, props: Record<string, unknown>, accept: (key: string) => boolean, options?: SerializeOptions) => Promise<[Record<string, unknown>, Map<string, Set<unknown>>]> {
    const isSpecial = (value: object): boolean => value instanceof Promise || special.some((test) => test(value));
    function plainValue(value: unknown, depth: number): unknown {
        switch (typeof value) {
            case "function":
                return undefined;
            case "undefined":
            case "boolean":
            case "number":
            case "string":
                return value;
            case "object":
                break;
            default:
                return NOT_PLAIN;
        }
        if (value === null) {
            return value;
        }
        if (depth > PLAIN_DEPTH || isSpecial(value)) {
            return NOT_PLAIN;
        }
        const prototype = Object.getPrototypeOf(value) as unknown;
        if (Array.isArray(value) && prototype === Array.prototype) {
            const elements: unknown[] = [];
            for (let index = 0; index < value.length; index++) {
                const element = plainValue(value[index], depth + 1);
                if (element === NOT_PLAIN) {
                    return NOT_PLAIN;
                }
                elements.push(element === undefined ? null : element);
            }
            return elements;
        }
        if (prototype !== Object.prototype && prototype !== null) {
            return NOT_PLAIN;
        }
        const object: Record<string, unknown> = {};
        for (const key of Object.keys(value)) {
            const child = plainValue((value as Record<string, unknown>)[key], depth + 1);
            if (child === NOT_PLAIN) {
                return NOT_PLAIN;
            }
            if (child !== undefined) {
                object[key] = child;
            }
        }
        return object;
    }
    return async (label, props, accept, options) => {
        const dependencies = new Map<string, Set<unknown>>();
        const result: Record<string, unknown> = {};
        for (const key of Object.keys(props)) {
            if (!accept(key)) {
                continue;
            }
            if (options?.pendingRegistration !== undefined) {
                options.pendingRegistration.inputProperty = key;
            }
            const dependentResources = new Set<unknown>();
            let value: unknown;
            try {
                value = settings.excessiveDebugOutput ? NOT_PLAIN : plainValue(props[key], 0);
                if (value === NOT_PLAIN) {
                    value = await serializeProperty(`${label}.${key}`, props[key], dependentResources, options);
                }
            } catch (error) {
                // serializeFilteredProperties' message, on the same error.
                if (error instanceof Error) {
                    error.message = `error serializing property "${key}": ${error.message}`;
                    throw error;
                }
                throw new Error(`error serializing property "${key}": ${String(error)}`);
            }
            if (value !== undefined) {
                result[key] = value;
                dependencies.set(key, dependentResources);
            }
        }
        return [result, dependencies];
    };
}

/**
 * Freezes a JSON-shaped value and everything in it. A frozen object is taken to be frozen through:
 * a value handed over again (the mock monitor's state inside its `getResource` record) was frozen
 * whole the first time.
 */
export function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value)) {
            deepFreeze(child);
        }
    }
    return value;
}

/**
 * Resolves once the runtime's queue of in-flight RPCs (registrations, reads, invokes) is empty.
 * Internal to @pulumi/pulumi (`runtime/settings.waitForRPCs`, what `disconnect` awaits), needed with
 * or without the patches: the plan cannot isolate its stacks without it, so it fails if missing.
 */
export function waitForRPCs(): Promise<void> {
    const wait = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (typeof wait !== "function") {
        throw new Error(
            `@pulumi/pulumi ${installedPackages()["@pulumi/pulumi"].version} has no runtime/settings.waitForRPCs, which the offline plan needs to plan its stacks one after another; see scripts/lib/plan/pulumi-internals.ts`,
        );
    }
    return wait();
}
