/** The one namespace of every component's type token, so a URN says which repository made it. */
export const COMPONENT_NAMESPACE = "tenant-platform";

/** `tenant-platform:<module>:<Name>`, e.g. `tenant-platform:security:EncryptionKeys`. */
export function componentType(module: string, name: string): string {
    return `${COMPONENT_NAMESPACE}:${module}:${name}`;
}
