// The rolling replacement of a stack's servers: in which order `pulumi up` replaces them.

import { DiffResource, DiffStack, INPUTS, ResourceChange, ServerReplacement } from "./model";
import { ReferenceIndex, stringLeaves } from "./references";
import { describeChange } from "./render";

/** The EC2 instances: a replacement of one is a server going away for a new one. */
export const SERVER_TYPE = "aws:ec2/instance:Instance";

/**
 * The replaced servers of a stack in replacement order (by step, then name), from the head plan's
 * `dependsOn` (what `pulumi up` will run). A plan made before `dependsOn` was recorded gives every
 * server step 1: replaced at the same time, as far as the plan can tell.
 */
export function serverReplacementOrder(changed: readonly ResourceChange[], head: DiffStack): ServerReplacement[] {
    const replaced = new Map(changed.filter((change) => change.type === SERVER_TYPE && change.replace).map((change) => [change.name, change]));
    if (replaced.size === 0) {
        return [];
    }
    const byName = new Map<string, DiffResource[]>();
    for (const resource of head.resources) {
        byName.set(resource.name, [...(byName.get(resource.name) ?? []), resource]);
    }
    const server = (name: string): DiffResource | undefined => byName.get(name)?.find((resource) => resource.type === SERVER_TYPE);
    // What each resource waits for: its dependsOn, and the resources whose id its inputs carry.
    const index = new ReferenceIndex<DiffResource>();
    head.resources.forEach((resource) => index.add(resource, stringLeaves(INPUTS, resource.inputs)));
    const referencedBy = new Map<DiffResource, Set<string>>();
    for (const resource of head.resources) {
        if (typeof resource.id === "string") {
            for (const { holder } of index.carriers(resource.id)) {
                if (holder !== resource) {
                    referencedBy.set(holder, (referencedBy.get(holder) ?? new Set()).add(resource.name));
                }
            }
        }
    }
    const predecessors = (resource: DiffResource): string[] => [...(resource.dependsOn ?? []), ...(referencedBy.get(resource) ?? [])];
    // The replaced servers each one waits for, through any chain of dependencies.
    const waitsFor = (name: string): Set<string> => {
        const seen = new Set<string>([name]);
        const found = new Set<string>();
        const stack = [...(server(name)?.dependsOn ?? [])];
        while (stack.length > 0) {
            const next = stack.pop()!;
            if (seen.has(next)) {
                continue;
            }
            seen.add(next);
            if (replaced.has(next) && server(next)) {
                found.add(next);
            }
            for (const resource of byName.get(next) ?? []) {
                stack.push(...predecessors(resource));
            }
        }
        return found;
    };
    const steps = new Map<string, number>();
    const stepOf = (name: string, visiting: Set<string> = new Set()): number => {
        const known = steps.get(name);
        if (known !== undefined) {
            return known;
        }
        // A cycle cannot be deployed (Pulumi refuses it); counted once, it cannot loop here.
        visiting.add(name);
        const before = [...waitsFor(name)].filter((other) => !visiting.has(other));
        const step = 1 + Math.max(0, ...before.map((other) => stepOf(other, visiting)));
        steps.set(name, step);
        return step;
    };
    return [...replaced.values()]
        .map((change): ServerReplacement => {
            const imageName = change.changes.find((entry) => entry.path === "/inputs/tags/ImageName");
            const forcing = change.changes.find((entry) => entry.replaces);
            const reason = imageName
                ? `image ${describeChange(imageName).replace(/^\/inputs\/tags\/ImageName: /, "")}`
                : forcing
                  ? describeChange(forcing)
                  : "a replaced resource it depends on";
            return { name: change.name, step: stepOf(change.name), after: [...(server(change.name)?.dependsOn ?? [])], deleteFirst: server(change.name)?.deleteBeforeReplace === true, reason };
        })
        .sort((a, b) => a.step - b.step || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
