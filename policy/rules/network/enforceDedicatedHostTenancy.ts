import { StackRule } from "../types";
import { T } from "./shared";

export const enforceDedicatedHostTenancy: StackRule = {
    kind: "stack",
    name: "ec2-instance-dedicated-host",
    description: 'In a physical stack every EC2 instance, the database server included, runs with tenancy "host" on a Dedicated Host of the stack.',
    why: "The physical mode promises hardware no other tenant shares; an instance on shared tenancy, or on a host the stack does not own, breaks it. Other modes: not applicable.",
    enforcement: "mandatory",
    validate(stack) {
        if (stack.kind !== "physical") {
            return [];
        }
        const hosts = new Set(stack.resources.filter((resource) => resource.type === "aws:ec2/dedicatedHost:DedicatedHost").map((host) => host.id));
        return stack.resources
            .filter((resource) => resource.type === T.instance)
            .flatMap((instance) => {
                const { tenancy, hostId } = instance.props;
                if (tenancy !== "host") {
                    return [{ resource: instance.name, message: `tenancy is ${JSON.stringify(tenancy ?? "default")}; expected "host", on the stack's dedicated host` }];
                }
                return typeof hostId === "string" && hosts.has(hostId)
                    ? []
                    : [{ resource: instance.name, message: `hostId ${JSON.stringify(hostId ?? null)} is no dedicated host of this stack` }];
            });
    },
};
