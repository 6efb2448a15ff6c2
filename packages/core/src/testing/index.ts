export { deciderSpec, type Then } from './decider-spec';
export {
  READ_MODEL_CONTRACT_INDEXES,
  type ReadModelAdapterUnderTest,
  type ReadModelContractCase,
  readModelContract,
} from './read-model-contract';
