// JSON pointers (RFC 6901), as the tenant files' problems and the plan's checks name a field:
// `/vpn/corporateCidrs/1`, "/" for the whole document, `~` and `/` inside a key escaped.

export function escapePointerSegment(segment: string): string {
    return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapePointerSegment(segment: string): string {
    return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function pointerSegments(pointer: string): string[] {
    return pointer === "/" || pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointerSegment);
}

export function joinPointer(parent: string, segment: string | number): string {
    const escaped = escapePointerSegment(String(segment));
    return parent === "/" || parent === "" ? `/${escaped}` : `${parent}/${escaped}`;
}
