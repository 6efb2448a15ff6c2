/**
 * Tables of a projection: their index fields and the type of their rows.
 */

/** A table of a projection. `Row` is a phantom type: the shape of its values. */
export interface TableSpec<Row = unknown> {
  /** Top-level fields of the row with an index, for `store.find(table, field, value)`. */
  readonly indexes: readonly (keyof Row & string)[];
  /** Served at `/api/views/:view` under this name; `false` keeps the table internal. Empty: the table's name. */
  readonly view: string | false;
  readonly __row?: Row;
}

// biome-ignore lint/suspicious/noExplicitAny: a table of any row type; `RowOf` recovers it.
export type Tables = Record<string, TableSpec<any>>;
export type RowOf<T> = T extends TableSpec<infer Row> ? Row : never;

/**
 * Declares a table and the type of its rows.
 *
 * @example const orders = table<OrderRow>({ indexes: ['customerId'] });
 */
export function table<Row>(
  spec: { indexes?: readonly (keyof Row & string)[]; view?: string | false } = {},
): TableSpec<Row> {
  return { indexes: spec.indexes ?? [], view: spec.view ?? '' };
}
