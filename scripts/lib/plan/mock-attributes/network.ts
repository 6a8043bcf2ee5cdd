import { MockAttributes } from "./types";

/** Attributes AWS returns for the network resources the program creates. */
export const networkAttributes: MockAttributes = {};
