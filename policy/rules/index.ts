// Every rule of the pack, in one list: the CrossGuard pack and the offline plan both run exactly these.

import { CONTROLS_RULES } from "./controls";
import { DATA_RULES } from "./data";
import { NETWORK_RULES } from "./network";
import { OPERATIONS_RULES } from "./operations";
import { Rule } from "./types";

export const RULES: readonly Rule[] = [...DATA_RULES, ...NETWORK_RULES, ...OPERATIONS_RULES, ...CONTROLS_RULES];

export * from "./types";
export { evaluate, hasMandatory } from "./evaluate";
