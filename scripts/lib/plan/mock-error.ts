// The error of the offline plan's stand-in for AWS (mocks.ts and its helpers).

/**
 * Raised when the program asks for something the offline plan cannot answer, or that AWS would
 * refuse. `details` carries the message across the mock monitor: the runtime rethrows a failed
 * invoke as `new Error(err.details)` (@pulumi/pulumi runtime/invoke.js), as it does a gRPC error.
 */
export class PlanMockError extends Error {
    readonly details: string = this.message;
}
