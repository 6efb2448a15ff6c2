export { deciderSpec, type Then } from './decider-spec';
