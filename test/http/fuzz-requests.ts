/**
 * Generators of hostile requests for every route of docs/api.md. Each case is
 * a function of the pools of real cursors and consistency tokens gathered
 * while the run goes on, and says what the contract demands of it where the
 * contract is unambiguous (`expect`); everything else is held to the blanket
 * promises only (no 5xx, contract codes, JSON).
 */
import fc from 'fast-check';
import {
  adminCases,
  authorizationHeaderCases,
  healthCases,
  oddMethodCases,
  unauthenticatedCases,
  unknownRouteCases,
} from './fuzz-access';
import {
  batchCases,
  commandJsonCases,
  commandMutantCases,
  contentTypeCases,
  devTokenCases,
  invalidUtf8Cases,
  rawBodyCases,
  tooLargeCases,
} from './fuzz-bodies';
import type { FuzzCase, FuzzContext } from './fuzz-context';
import { largeValidOrderCases, liveUpgradeCases } from './fuzz-live';
import { feedCases, streamCases, viewCases } from './fuzz-reads';

/** Every family of hostile requests, weighted towards the cheap and the varied. */
export function fuzzCaseArb(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const families: fc.WeightedArbitrary<FuzzCase>[] = [
    { weight: 2, arbitrary: healthCases() },
    { weight: 5, arbitrary: unauthenticatedCases(context) },
    { weight: 3, arbitrary: authorizationHeaderCases(context) },
    { weight: 8, arbitrary: commandJsonCases(context) },
    { weight: 10, arbitrary: commandMutantCases(context) },
    { weight: 7, arbitrary: rawBodyCases(context) },
    { weight: 3, arbitrary: invalidUtf8Cases(context) },
    { weight: 3, arbitrary: contentTypeCases(context) },
    { weight: 5, arbitrary: batchCases(context) },
    { weight: 8, arbitrary: streamCases(context) },
    { weight: 10, arbitrary: feedCases(context) },
    { weight: 9, arbitrary: viewCases(context) },
    { weight: 7, arbitrary: adminCases(context) },
    { weight: 4, arbitrary: devTokenCases() },
    { weight: 3, arbitrary: unknownRouteCases(context) },
    { weight: 4, arbitrary: oddMethodCases(context) },
    { weight: 1, arbitrary: tooLargeCases(context) },
    { weight: 4, arbitrary: liveUpgradeCases(context) },
    { weight: 1, arbitrary: largeValidOrderCases(context) },
  ];
  return fc.oneof(...families);
}
