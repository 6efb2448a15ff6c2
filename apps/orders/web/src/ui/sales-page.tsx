/** Sales by day (the `sales-by-day` view) as a small bar chart, with the numbers as a table for screen readers. */
import type { SalesByDayRow } from '../../../src/views/order-views';
import type { OrdersClient } from '../tidemark';
import { money } from './format';
import { useLive } from './use-live';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = 28;
/** A lone day's bar stays a bar, not a block. */
const MAX_BAR = 56;

export function SalesPage({ client }: { client: OrdersClient }) {
  const rows = (useLive(client, (c) => c.list('sales-by-day'), [client]) ?? []).slice(-14) as {
    key: string;
    value: SalesByDayRow;
  }[];
  const max = Math.max(1, ...rows.map((r) => r.value.paidRevenue));
  const slot = rows.length === 0 ? 0 : (WIDTH - PAD * 2) / rows.length;
  return (
    <main class="card">
      <h1>Sales by day</h1>
      {rows.length === 0 ? (
        <p class="empty">No sales yet.</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} class="chart" role="img" aria-label="Paid revenue per day">
            {rows.map((r, i) => {
              const h = ((HEIGHT - PAD * 2) * r.value.paidRevenue) / max;
              const width = Math.min(slot * 0.7, MAX_BAR);
              const x = PAD + i * slot + (slot - width) / 2;
              return (
                <g key={r.key}>
                  <rect x={x} y={HEIGHT - PAD - h} width={width} height={h} rx={3} class="bar">
                    <title>
                      {r.key}: {money(r.value.paidRevenue)}
                    </title>
                  </rect>
                  <text x={x + width / 2} y={HEIGHT - 8} text-anchor="middle" class="axis">
                    {r.key.slice(5)}
                  </text>
                </g>
              );
            })}
          </svg>
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Orders</th>
                <th scope="col">Paid revenue</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} data-testid="sales-row">
                  <td>{r.key}</td>
                  <td>{r.value.orders}</td>
                  <td>{money(r.value.paidRevenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
