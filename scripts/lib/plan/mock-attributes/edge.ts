import { MockAttributes } from "./types";

/** Attributes AWS returns for the edge resources the program creates. */
export const edgeAttributes: MockAttributes = {};
