import { MockAttributes } from "./types";

/** Attributes AWS returns for the connectivity resources the program creates. */
export const connectivityAttributes: MockAttributes = {};
