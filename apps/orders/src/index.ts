export { ordersApp, VIEWER_ROLE } from './app';
export { MINIMUM_ORDER_AMOUNT, Order, type OrderState, orderTotal } from './domain/order';
