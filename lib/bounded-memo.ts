// A function of a string remembered per argument, for the hot loops that meet the same few hundred
// keys millions of times (property names, quoted JSON keys); emptied when it reaches `limit`
// entries, so an unusual input (a fleet's free-form tags) cannot grow it without bound.

export function boundedMemo<T>(compute: (key: string) => T, limit = 10_000): (key: string) => T {
    const remembered = new Map<string, T>();
    return (key) => {
        let value = remembered.get(key);
        if (value === undefined && !remembered.has(key)) {
            if (remembered.size >= limit) {
                remembered.clear();
            }
            value = compute(key);
            remembered.set(key, value);
        }
        return value as T;
    };
}
