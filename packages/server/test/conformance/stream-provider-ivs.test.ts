import { streamProviderSuite } from './stream-provider.suite.ts';
import { ivsHarness } from '../support/fakes/ivs-harness.ts';

streamProviderSuite('ivs (local IVS API stand-in)', ivsHarness);
