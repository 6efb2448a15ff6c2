export { ordersApp, VIEWER_ROLE } from './app';
export { MINIMUM_ORDER_AMOUNT, Order, type OrderState, orderTotal } from './domain/order';
export { LEGACY_CURRENCY, orderUpcasters } from './domain/order-upcasters';
export { type CustomerOrdersRow, dayOf, type OrderRow, orderViews, type SalesByDayRow } from './views/order-views';
