// Every rule of the pack, in one list: the CrossGuard pack and the offline plan both run exactly these.

import { CONTROLS_RULES } from "./controls";
import { DATA_RULES } from "./data";
import { NETWORK_RULES } from "./network";
import { OPERATIONS_RULES } from "./operations";
import { PRESENCE_RULES } from "./presence";
import { Rule } from "./types";

export const RULES: readonly Rule[] = [...DATA_RULES, ...NETWORK_RULES, ...OPERATIONS_RULES, ...CONTROLS_RULES, ...PRESENCE_RULES];

/**
 * The rules that judge a stack against the rest of the fleet (they read the settings' otherTenants,
 * hosts or fleet); every other rule reads one stack (and the operations CIDRs and the day), so a
 * streamed plan judges it as soon as the stack is planned, and these once the fleet is known.
 * test/plan-stream.test.ts fails when a rule outside this list reads the fleet.
 */
export const FLEET_RULE_NAMES: readonly string[] = ["tenant-isolation-markers", "tenant-host-names-owned", "stack-recovery-environment", "availability-check-own-host"];
export const FLEET_RULES: readonly Rule[] = RULES.filter((rule) => FLEET_RULE_NAMES.includes(rule.name));
export const STACK_RULES: readonly Rule[] = RULES.filter((rule) => !FLEET_RULE_NAMES.includes(rule.name));

export * from "./types";
export { evaluate, hasMandatory, sortViolations } from "./evaluate";
