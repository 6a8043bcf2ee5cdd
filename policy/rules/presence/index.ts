// The rules that a promise's resources exist at all, beside the rules that judge them where they do
// (a rule on a resource type passes a stack that has none): whole production stacks, never the
// compliant baselines of one concern that the other groups' tests use.

import { Rule } from "../types";
import { missingPromiseResources } from "./missingPromiseResources";

export const PRESENCE_RULES: readonly Rule[] = [missingPromiseResources];
