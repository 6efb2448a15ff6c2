/**
 * The few host globals core relies on. Every runtime Tidemark targets (workerd,
 * browsers, Node ≥ 17) has them; core's lib is plain ES so nothing else slips in.
 */
declare function structuredClone<T>(value: T): T;
declare function btoa(data: string): string;
declare function atob(data: string): string;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
