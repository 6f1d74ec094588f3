import { streamProviderSuite } from './stream-provider.suite.ts';
import { muxHarness } from '../support/fakes/mux-harness.ts';

streamProviderSuite('mux (local Mux API stand-in)', muxHarness);
