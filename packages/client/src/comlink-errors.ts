/**
 * Errors cross comlink as plain data; comlink's default keeps only the
 * message, so rejections would lose their `code`. This handler (registered on
 * both sides) carries `code` and details and rebuilds a TidemarkError.
 */
import { TidemarkError } from '@tidemark/core';
import * as Comlink from 'comlink';

type Thrown = { value: unknown };
type Serialized = { isError: boolean; value: unknown };

const defaultThrow = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<Thrown, Serialized>;

export function registerErrorTransfer(): void {
  Comlink.transferHandlers.set('throw', {
    canHandle: defaultThrow.canHandle,
    serialize({ value }: Thrown): [Serialized, Transferable[]] {
      if (value instanceof TidemarkError) {
        return [
          {
            isError: true,
            value: { tidemark: true, code: value.code, message: value.message, details: value.details },
          },
          [],
        ];
      }
      return defaultThrow.serialize({ value });
    },
    deserialize(serialized: Serialized): never {
      const value = serialized.value as {
        tidemark?: boolean;
        code: string;
        message: string;
        details: Record<string, unknown>;
      };
      if (serialized.isError && value?.tidemark) throw new TidemarkError(value.code, value.message, value.details);
      return defaultThrow.deserialize(serialized) as never;
    },
  } as Comlink.TransferHandler<unknown, unknown>);
}
