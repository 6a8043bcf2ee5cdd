// Every rule of the pack, in one list: the CrossGuard pack and the offline plan both run exactly these.

import { Rule } from "./types";

export const RULES: readonly Rule[] = [];

export * from "./types";
export { evaluate, hasMandatory } from "./evaluate";
