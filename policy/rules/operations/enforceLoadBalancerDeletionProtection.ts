// A tenant's load balancer cannot be deleted by one careless call: customers on their own domain
// point their DNS at its name, which a new load balancer would not have.

import { OFFBOARDING_TAG_KEY } from "../../../lib/promises/offboarding";
import { ResourceRule } from "../types";
import { unprotectedProblems } from "./offboarding";
import { isDrillStack } from "./recovery";

export const enforceLoadBalancerDeletionProtection: ResourceRule = {
    kind: "resource",
    name: "lb-load-balancer-deletion-protection",
    description:
        `Every load balancer has enableDeletionProtection: true, except during the offboarding of \`npm run destroy\`: then it carries the tag ${OFFBOARDING_TAG_KEY} ` +
        "naming the recovery points of the completed final backup, which the program sets only in that state; and in a drill's copy (stack `<production>-drill`), " +
        "which `npm run dr -- drill` destroys after the drill. Never in production or a `-recovery` stack.",
    why:
        "A load balancer's DNS name cannot be chosen: deleted by accident, it is gone for good, and every customer CNAME pointing at it (own domains) breaks until " +
        "the customer changes its DNS. Only the offboarding, after the final backup, lifts the protection; a drill's copy, which no customer points at, must be deletable " +
        "or its teardown fails after every drill.",
    enforcement: "mandatory",
    resourceTypes: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    validate: (loadBalancer, stack) => (isDrillStack(stack.stack) ? [] : unprotectedProblems(loadBalancer, "enableDeletionProtection")),
};
