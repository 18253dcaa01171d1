// The workflow bundle of the worker "before the deploy" (test/replay/deploy.test.ts): the subscription workflow only.
export { subscription } from './subscription';
