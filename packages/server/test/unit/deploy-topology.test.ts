/**
 * deploy/k8s: the topology the scale-out issue asks for - separate gateway and API/web Deployments, the
 * Ingress routes, the gateway's PDB and HPA, Redis persistence, and the managed-stores overlay.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Service } from 'kubernetes-models/v1/Service';
import type { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import {
  K8S,
  containersOf,
  find,
  isLightstick,
  matches,
  podTemplate,
  render,
  secretValues,
  workloadsSelectedBy,
  type Doc,
  type Fields,
} from './deploy-k8s-support.ts';

const base = render(K8S);
const external = render(path.join(K8S, 'external'));

describe('deploy/k8s topology', () => {
  const deployment = (role: string) =>
    base.find(
      (o) =>
        o.kind === 'Deployment' && containersOf(o).some((c) => c.args?.join(' ') === `serve --role ${role}`),
    );
  const labelsOf = (o: Doc | undefined) =>
    podTemplate(o ?? assert.fail('workload missing'))?.metadata?.labels;

  test('gateway and api/web run as separate Deployments, and a Job runs `lightstick migrate`', () => {
    assert.ok(deployment('gateway'));
    assert.ok(deployment('api,web'));
    assert.ok(
      base.some(
        (o) => o.kind === 'Job' && containersOf(o).some((c) => isLightstick(c) && c.args?.[0] === 'migrate'),
      ),
    );
  });

  test('the Ingress sends /ws to the gateways and / and /api to the API, with long WebSocket timeouts', () => {
    const ing = base.find((o) => o.kind === 'Ingress') as unknown as Ingress;
    for (const k of ['proxy-read-timeout', 'proxy-send-timeout']) {
      assert.ok(Number(ing.metadata?.annotations?.[`nginx.ingress.kubernetes.io/${k}`]) >= 3600, k);
    }
    const routes = (ing.spec?.rules ?? []).flatMap((r) => r.http?.paths ?? []);
    const podsBehind = (p: string) => {
      const name =
        routes.find((r) => r.path === p)?.backend.service?.name ?? assert.fail(`no route for ${p}`);
      const svc = find(base, 'Service', name) as unknown as Service;
      return workloadsSelectedBy(base, svc.spec?.selector)[0];
    };
    assert.equal(podsBehind('/ws'), deployment('gateway'));
    assert.equal(podsBehind('/api'), deployment('api,web'));
    assert.equal(podsBehind('/'), deployment('api,web'));
  });

  test('the PDB and the HPA (CPU and memory) target the gateway Deployment, which leaves replicas to the HPA', () => {
    const gw = deployment('gateway') as unknown as Deployment;
    const pdbs = base.filter((o) => o.kind === 'PodDisruptionBudget') as unknown as PodDisruptionBudget[];
    const pdb = pdbs.find((p) => matches(p.spec?.selector?.matchLabels, labelsOf(gw as unknown as Doc)));
    assert.ok(pdb && (pdb.spec?.maxUnavailable === 1 || pdb.spec?.minAvailable !== undefined), 'gateway PDB');
    const hpa = base.find((o) => o.kind === 'HorizontalPodAutoscaler') as unknown as HorizontalPodAutoscaler;
    assert.deepEqual(
      [hpa.spec?.scaleTargetRef.kind, hpa.spec?.scaleTargetRef.name],
      ['Deployment', gw.metadata?.name],
    );
    const resources = (hpa.spec?.metrics ?? []).map((m) => m.resource?.name).sort();
    assert.deepEqual(resources, ['cpu', 'memory']);
    assert.ok((hpa.spec?.minReplicas ?? 1) >= 2, 'at least two gateways');
    assert.equal(gw.spec?.replicas, undefined, 'an apply would reset the HPA-chosen replica count');
  });

  test('Redis persists with appendonly yes, appendfsync everysec, and never evicts history', () => {
    const redis = base.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'redis') as Doc;
    const args = containersOf(redis)[0]?.args ?? [];
    const opt = (name: string) => args[args.indexOf(`--${name}`) + 1];
    assert.equal(opt('appendonly'), 'yes');
    assert.equal(opt('appendfsync'), 'everysec');
    assert.equal(opt('maxmemory-policy'), 'noeviction');
    assert.ok((redis.spec as Fields).volumeClaimTemplates, 'Redis data on a PVC');
    const pg = base.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres') as Doc;
    assert.ok((pg.spec as Fields).volumeClaimTemplates, 'PostgreSQL data on a PVC');
  });

  test('the external overlay drops the in-cluster stores and points the URLs elsewhere', () => {
    assert.deepEqual(
      external.filter((o) => o.kind === 'StatefulSet'),
      [],
    );
    const urls = secretValues(find(external, 'Secret', 'lightstick-secrets') as Doc);
    assert.notEqual(new URL(urls.LIGHTSTICK_DATABASE_URL ?? '').hostname, 'postgres');
    assert.notEqual(new URL(urls.LIGHTSTICK_REDIS_URL ?? '').hostname, 'redis');
  });
});
