// The plan document's shapes (`../shared/contracts/plan-json.md`), which the plan engine writes and
// the policy pack reads: neither owns the contract, both import it from here.

/** What replaces every secret value in a plan (the contract's `"[secret]"`): a key shown as anything else was passed in clear text. */
export const SECRET_PLACEHOLDER = "[secret]";

/** One resource of a plan, exactly as the plan contract has it. */
export interface PlannedResource {
    readonly type: string;
    readonly name: string;
    readonly id: string;
    readonly parent: string | null;
    readonly inputs: Record<string, unknown>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /**
     * The logical names of the resources it depends on through `dependsOn` and not through an input
     * (a dependency on a component is on each of its resources, as the Node SDK sends it), sorted;
     * absent when none. `pulumi up` registers, and so creates or replaces, the resource only after
     * each of them has completed its own step.
     */
    readonly dependsOn?: string[];
    /** Set when the resource is replaced delete-before-create (`deleteBeforeReplace`); absent otherwise. */
    readonly deleteBeforeReplace?: true;
    /**
     * Its `replaceOnChanges` option, where set: input properties (`parameters`, `tags.*`, `*`) whose
     * change replaces it, beyond what the provider itself forces. Absent otherwise.
     */
    readonly replaceOnChanges?: string[];
}

/**
 * Whether a planned stack is an offboarding (a tenant file with `status: offboarding`): the plan
 * then registers nothing (`resources: []`) and says what main's rollout destroys and keeps in an
 * `offboarding` object. Only such a stack goes unjudged by the rules: an `offboarding` field beside
 * resources (a hand-edited document) never lifts the rules from what the stack still declares.
 */
export function isOffboardingStack(stack: { readonly offboarding?: unknown; readonly resources?: readonly unknown[] }): boolean {
    const { offboarding } = stack;
    return typeof offboarding === "object" && offboarding !== null && !Array.isArray(offboarding) && Array.isArray(stack.resources) && stack.resources.length === 0;
}
