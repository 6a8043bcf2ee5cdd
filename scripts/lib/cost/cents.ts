/** Cents, rounded half up after cutting float noise below a millionth of a dollar. */
export function toCents(usd: number): number {
    return Math.round(Math.round(usd * 1e6) / 1e4);
}
