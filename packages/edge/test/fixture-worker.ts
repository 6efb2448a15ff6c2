import { createTidemark } from '../src/index';
import { fixtureApp } from './fixture-app';

const tidemark = createTidemark(fixtureApp);

export const { AggregateObject, FeedObject, ProjectionObject, MetricsObject } = tidemark;
export default tidemark.worker;
