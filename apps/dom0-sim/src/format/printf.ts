/** Small printf stand-ins: `%Ns` right-aligns, `%-Ns` left-aligns; numbers never truncate. */
export const right = (value: string | number, width: number): string => String(value).padStart(width);
export const left = (value: string | number, width: number): string => String(value).padEnd(width);
/** `%W.1f` */
export const fixed1 = (value: number, width: number): string => value.toFixed(1).padStart(width);
