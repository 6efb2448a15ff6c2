/** Display helpers. Amounts keep their currency; dates are shown in the reader's locale. */

export function money(amount: number, currency = 'EUR'): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

export function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function addressText(address: unknown): string {
  if (address === null || address === undefined) return '(hidden)';
  if (typeof address === 'string') return address;
  return Object.values(address as Record<string, string>).join(', ');
}

/** A short, readable, unique order id: `o-` and 8 base-36 characters. */
export function newOrderId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `o-${[...bytes]
    .map((b) => b.toString(36).padStart(2, '0'))
    .join('')
    .slice(0, 8)}`;
}
