// The CrossGuard policy pack: `pulumi preview --policy-pack policy` (and `up`). The same rules run
// offline on every plan (`npm run plan`, `npm run policy`).

import { PolicyPack } from "@pulumi/policy";

import { crossGuardPolicies } from "./pack";
import { RULES } from "./rules";

new PolicyPack("tenant-platform", {
    description: "The security promises of the project-management SaaS: encryption, two NICs, closed ports, VPN crypto, backups, audit, isolation",
    policies: crossGuardPolicies(RULES),
});
