/**
 * The few host globals core relies on. Every runtime Tidemark targets (workerd,
 * browsers, Node ≥ 17) has them; core's lib is plain ES so nothing else slips in.
 */
declare function structuredClone<T>(value: T): T;
