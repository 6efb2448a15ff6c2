import { createTidemark } from '../src/index';
import { fixtureApp } from './fixture-app';

const tidemark = createTidemark(fixtureApp);

export const AggregateObject = tidemark.AggregateObject;
export default tidemark.worker;
