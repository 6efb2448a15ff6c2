/**
 * The fuzz suite's model of what the server should accept: one Order per
 * aggregate id, with the rules of docs/api.md § The example app (orders)
 * and its command-id rules (the first answer to a `commandId` on an aggregate
 * is stored and replayed; a different body is `command_id_reused`). Pure: the
 * caller feeds it the commands in the order the server applied them.
 */

export type OrderStatus = 'NONE' | 'PENDING' | 'PAID' | 'SHIPPED' | 'CANCELLED';
export type OrderCommandType = 'CreateOrder' | 'PayOrder' | 'ShipOrder' | 'CancelOrder';

/**
 * What a command is before it reaches the aggregate, decided when it is
 * built: each generated command breaks at most one of these rules.
 */
export type CommandClass = 'ok' | 'invalid_request' | 'unknown_command' | 'invalid_payload';

/** A built command: the JSON value sent, what it is, and the text it went as. */
export interface ModelCommand {
  readonly orderId: string;
  readonly commandId: string;
  readonly type: string;
  readonly value: unknown;
  readonly class: CommandClass;
  /** docs/api.md § Commands, "same body": type, payload and expectedVersion, whatever the key order. */
  readonly fingerprint: string;
  /** What `PayOrder` pays, or the total `CreateOrder` adds up to. */
  readonly amount?: number;
}

/** The first answer to a command id on an order, as the server should replay it. */
export interface StoredAnswer {
  readonly fingerprint: string;
  readonly status: number;
  readonly code?: string;
  readonly version?: number;
  readonly eventIds?: readonly string[];
  readonly token?: string;
}

/** What the model expects for one command. `codes`: any of them (the contract does not order some rules). */
export interface Prediction {
  readonly status: number;
  readonly codes: readonly string[];
  /** For a replay: the answer it must repeat. */
  readonly replayOf?: StoredAnswer;
  /** For a new 200: the event it makes. */
  readonly eventType?: string;
  readonly version?: number;
  readonly expectedVersion?: number;
  readonly actualVersion?: number;
}

export class OrderModel {
  status: OrderStatus = 'NONE';
  total = 0;
  version = 0;
  /** The consistency token of the latest accepted command. */
  lastToken: string | undefined;
  readonly answers = new Map<string, StoredAnswer>();

  clone(): OrderModel {
    const copy = new OrderModel();
    copy.status = this.status;
    copy.total = this.total;
    copy.version = this.version;
    for (const [id, answer] of this.answers) copy.answers.set(id, answer);
    return copy;
  }

  /** What the server must answer to `command` now. */
  predict(command: ModelCommand, viewer: boolean): Prediction {
    if (command.class !== 'ok') return { status: 400, codes: [command.class] };
    if (viewer) return { status: 403, codes: ['forbidden'] };
    const stored = this.answers.get(command.commandId);
    if (stored !== undefined) {
      if (stored.fingerprint === command.fingerprint) {
        return { status: stored.status, codes: stored.code === undefined ? [] : [stored.code], replayOf: stored };
      }
      return { status: 409, codes: ['command_id_reused'] };
    }
    const expectedVersion = (command.value as { expectedVersion?: number }).expectedVersion;
    if (expectedVersion !== undefined && expectedVersion !== this.version) {
      return { status: 409, codes: ['version_conflict'], expectedVersion, actualVersion: this.version };
    }
    const broken = this.brokenRules(command);
    if (broken.length > 0) return { status: 422, codes: broken };
    return { status: 200, codes: [], eventType: EVENT_OF[command.type as OrderCommandType], version: this.version + 1 };
  }

  /**
   * Applies the answer the server gave (or, when simulating a batch before it
   * is sent, the predicted one): a new event moves the order on; a first
   * `200`, `409 version_conflict` or `422` is remembered for replays.
   */
  apply(command: ModelCommand, answer: StoredAnswer, eventPayload?: { totalAmount?: unknown }): void {
    if (command.class !== 'ok' || this.answers.has(command.commandId)) return;
    const stored = answer.status === 200 || answer.status === 422 || answer.code === 'version_conflict';
    if (!stored) return;
    this.answers.set(command.commandId, answer);
    if (answer.status !== 200 || answer.version !== this.version + 1) return;
    this.version = answer.version;
    this.status = STATUS_AFTER[command.type as OrderCommandType];
    if (command.type === 'CreateOrder') {
      const total = eventPayload?.totalAmount;
      this.total = typeof total === 'number' ? total : (command.amount ?? 0);
    }
  }

  private brokenRules(command: ModelCommand): string[] {
    const broken: string[] = [];
    switch (command.type as OrderCommandType) {
      case 'CreateOrder':
        if (this.status !== 'NONE') broken.push('order_exists');
        if ((command.amount ?? 0) < MINIMUM_ORDER_AMOUNT) broken.push('minimum_order_amount');
        return broken;
      case 'PayOrder':
        if (this.status === 'NONE') return ['order_not_found'];
        if (this.status !== 'PENDING') broken.push('invalid_state');
        if (command.amount !== this.total) broken.push('wrong_amount');
        return broken;
      case 'ShipOrder':
        if (this.status === 'NONE') return ['order_not_found'];
        return this.status === 'PAID' ? [] : ['invalid_state'];
      case 'CancelOrder':
        if (this.status === 'NONE') return ['order_not_found'];
        return this.status === 'PENDING' || this.status === 'PAID' ? [] : ['invalid_state'];
    }
  }
}

/** docs/api.md § The example app (orders): an order whose total is under this is refused with `minimum_order_amount`. */
export const MINIMUM_ORDER_AMOUNT = 10;

export const EVENT_OF: Readonly<Record<OrderCommandType, string>> = {
  CreateOrder: 'OrderCreated',
  PayOrder: 'OrderPaid',
  ShipOrder: 'OrderShipped',
  CancelOrder: 'OrderCancelled',
};

export const STATUS_AFTER: Readonly<Record<OrderCommandType, OrderStatus>> = {
  CreateOrder: 'PENDING',
  PayOrder: 'PAID',
  ShipOrder: 'SHIPPED',
  CancelOrder: 'CANCELLED',
};

/** The status an order has after an event of this type. */
export function statusAfterEvent(type: string): OrderStatus | undefined {
  const entry = Object.entries(EVENT_OF).find(([, event]) => event === type);
  return entry === undefined ? undefined : STATUS_AFTER[entry[0] as OrderCommandType];
}

/** JSON with keys sorted at every depth: equal for equal JSON values, whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** The "same body" key of a command value: `type`, `payload`, `expectedVersion`. */
export function fingerprintOf(value: unknown): string {
  const { type, payload, expectedVersion } = (value ?? {}) as Record<string, unknown>;
  return canonicalJson({ type, payload: payload ?? null, expectedVersion: expectedVersion ?? null });
}
