import { MockAttributes } from "./types";

/** Attributes AWS returns for the data resources the program creates. */
export const dataAttributes: MockAttributes = {};
