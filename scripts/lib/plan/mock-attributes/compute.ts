import { MockAttributes } from "./types";

/** Attributes AWS returns for the compute resources the program creates. */
export const computeAttributes: MockAttributes = {};
