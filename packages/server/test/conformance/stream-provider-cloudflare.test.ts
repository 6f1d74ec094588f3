import { streamProviderSuite } from './stream-provider.suite.ts';
import { cloudflareHarness } from '../support/fakes/cloudflare-harness.ts';

streamProviderSuite('cloudflare (local Stream API stand-in)', cloudflareHarness);
