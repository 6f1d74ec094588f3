/**
 * deploy/k8s: every document of the base and of the external/ overlay is validated against the Kubernetes
 * JSON schemas (kubernetes-models), then each rendered set is checked for what a schema cannot see:
 * selectors, ports, references, probes, drain timing, security, documented variables, placeholder secrets.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Service } from 'kubernetes-models/v1/Service';
import type { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { requireKeyEncryption } from '../../src/config/key-encryption.ts';
import {
  K8S,
  MODELS,
  NS,
  ROOT,
  containersOf,
  documentedVariables,
  find,
  isLightstick,
  matches,
  podTemplate,
  render,
  secretValues,
  used,
  workloadsSelectedBy,
  yamlFiles,
  type Doc,
  type Fields,
  type Model,
} from './deploy-k8s-support.ts';

const base = render(K8S);
const external = render(path.join(K8S, 'external'));
// Rendered here so the file check below sees them; deploy-monitoring.test.ts checks their content.
render(path.join(K8S, 'monitoring'));

describe('deploy/k8s manifests', () => {
  test('every YAML file under deploy/k8s is part of a kustomization, so none escapes these checks', () => {
    assert.deepEqual(
      yamlFiles(K8S)
        .filter((f) => !used.has(f))
        .map((f) => path.relative(ROOT, f)),
      [],
    );
  });

  for (const [label, set] of [
    ['base', base],
    ['external overlay', external],
  ] as const) {
    describe(label, () => {
      test('every object is a known kind and valid against the Kubernetes schema', () => {
        for (const o of set) {
          const Model = MODELS[`${o.apiVersion}/${o.kind}`];
          assert.ok(Model, `unknown kind ${o.apiVersion}/${o.kind} (${o.metadata.name})`);
          const m: Model = new Model(o as never);
          assert.doesNotThrow(() => m.validate(), `${o.kind}/${o.metadata.name}`);
        }
        const ids = set.map((o) => `${o.kind}/${o.metadata.name}`);
        assert.deepEqual(
          ids.filter((id, i) => ids.indexOf(id) !== i),
          [],
          'duplicate objects',
        );
      });

      test('namespaced objects live in the lightstick namespace', () => {
        assert.ok(find(set, 'Namespace', NS));
        for (const o of set.filter((x) => x.kind !== 'Namespace')) {
          assert.equal((o.metadata as Fields).namespace, NS, `${o.kind}/${o.metadata.name}`);
        }
      });

      test('workload selectors match their own pod labels; Services select exactly one workload and its ports', () => {
        for (const o of set.filter((x) => ['Deployment', 'StatefulSet'].includes(x.kind))) {
          const sel = (o.spec as { selector?: { matchLabels?: Record<string, string> } }).selector
            ?.matchLabels;
          assert.ok(matches(sel, podTemplate(o)?.metadata?.labels), `${o.kind}/${o.metadata.name} selector`);
        }
        for (const s of set.filter((x) => x.kind === 'Service') as unknown as Service[]) {
          const targets = workloadsSelectedBy(set, s.spec?.selector);
          assert.equal(targets.length, 1, `Service/${s.metadata?.name} selects ${targets.length} workloads`);
          const ports = containersOf(targets[0] as Doc).flatMap((c) => c.ports ?? []);
          for (const p of s.spec?.ports ?? []) {
            const t = p.targetPort ?? p.port;
            const ok = ports.some((cp) => (typeof t === 'string' ? cp.name === t : cp.containerPort === t));
            assert.ok(ok, `Service/${s.metadata?.name} targetPort ${t} is not a container port`);
          }
        }
        for (const ss of set.filter((x) => x.kind === 'StatefulSet') as unknown as StatefulSet[]) {
          const svc = find(set, 'Service', ss.spec?.serviceName ?? '') as unknown as Service | undefined;
          assert.equal(
            svc?.spec?.clusterIP,
            'None',
            `StatefulSet/${ss.metadata?.name} needs a headless Service`,
          );
        }
      });

      test('NetworkPolicies select existing pods and admit existing pods', () => {
        for (const np of set.filter((x) => x.kind === 'NetworkPolicy') as unknown as NetworkPolicy[]) {
          assert.equal(
            workloadsSelectedBy(set, np.spec?.podSelector?.matchLabels).length,
            1,
            np.metadata?.name,
          );
          for (const peer of (np.spec?.ingress ?? []).flatMap((r) => r.from ?? [])) {
            assert.ok(workloadsSelectedBy(set, peer.podSelector?.matchLabels).length > 0, np.metadata?.name);
          }
        }
      });

      test('Ingress backends name existing Services and ports', () => {
        for (const ing of set.filter((x) => x.kind === 'Ingress') as unknown as Ingress[]) {
          for (const p of (ing.spec?.rules ?? []).flatMap((r) => r.http?.paths ?? [])) {
            const b = p.backend.service;
            const svc = find(set, 'Service', b?.name ?? '') as unknown as Service | undefined;
            assert.ok(svc, `Ingress path ${p.path} -> missing Service ${b?.name}`);
            const ok = (svc.spec?.ports ?? []).some(
              (sp) => sp.name === b?.port?.name || sp.port === b?.port?.number,
            );
            assert.ok(
              ok,
              `Ingress path ${p.path} -> Service ${b?.name} has no port ${JSON.stringify(b?.port)}`,
            );
          }
        }
      });

      test('every secretKeyRef, configMapKeyRef, envFrom and volume names an existing object and key', () => {
        const keysOf = (kind: string, name: string): string[] | undefined => {
          const o = find(set, kind, name);
          if (!o) return undefined;
          return Object.keys(kind === 'Secret' ? secretValues(o) : ((o.data ?? {}) as Fields));
        };
        for (const o of set.filter((x) => podTemplate(x))) {
          for (const c of containersOf(o)) {
            for (const e of c.env ?? []) {
              const s = e.valueFrom?.secretKeyRef;
              const m = e.valueFrom?.configMapKeyRef;
              if (s)
                assert.ok(
                  keysOf('Secret', s.name ?? '')?.includes(s.key),
                  `${c.name}: secret ${s.name}/${s.key}`,
                );
              if (m)
                assert.ok(
                  keysOf('ConfigMap', m.name ?? '')?.includes(m.key),
                  `${c.name}: ${m.name}/${m.key}`,
                );
            }
            for (const ef of c.envFrom ?? []) {
              if (ef.configMapRef)
                assert.ok(keysOf('ConfigMap', ef.configMapRef.name ?? ''), `${c.name} envFrom`);
              if (ef.secretRef) assert.ok(keysOf('Secret', ef.secretRef.name ?? ''), `${c.name} envFrom`);
            }
          }
          for (const v of podTemplate(o)?.spec?.volumes ?? []) {
            if (v.secret) assert.ok(keysOf('Secret', v.secret.secretName ?? ''), `volume ${v.name}`);
            if (v.configMap) assert.ok(keysOf('ConfigMap', v.configMap.name ?? ''), `volume ${v.name}`);
          }
        }
      });

      test('Lightstick containers use only variables documented in docs/configuration.md', () => {
        const documented = documentedVariables();
        assert.ok(documented.has('LIGHTSTICK_REDIS_URL') && documented.has('LIGHTSTICK_DATABASE_URL'));
        for (const c of set.flatMap((o) => containersOf(o)).filter(isLightstick)) {
          const names = (c.env ?? []).map((e) => e.name);
          for (const ef of c.envFrom ?? []) {
            names.push(
              ...Object.keys((find(set, 'ConfigMap', ef.configMapRef?.name ?? '')?.data ?? {}) as Fields),
            );
            if (ef.secretRef)
              names.push(...Object.keys(secretValues(find(set, 'Secret', ef.secretRef.name ?? '') as Doc)));
          }
          assert.deepEqual(
            names.filter((n) => !documented.has(n)),
            [],
            `container ${c.name}`,
          );
        }
      });

      test('Secrets hold only marked placeholders, and URL passwords agree with the servers they reach', () => {
        for (const s of set.filter((x) => x.kind === 'Secret')) {
          const values = secretValues(s);
          for (const [k, v] of Object.entries(values))
            assert.match(v, /REPLACE_ME/, `${k} must be a placeholder`);
          for (const [urlKey, pwKey, svc] of [
            ['LIGHTSTICK_DATABASE_URL', 'POSTGRES_PASSWORD', 'postgres'],
            ['LIGHTSTICK_REDIS_URL', 'REDIS_PASSWORD', 'redis'],
          ] as const) {
            const url = new URL(values[urlKey] ?? assert.fail(`${urlKey} missing`));
            if (!url.hostname.includes('.')) assert.ok(find(set, 'Service', url.hostname), `${urlKey} host`);
            if (url.hostname === svc) assert.equal(decodeURIComponent(url.password), values[pwKey], urlKey);
          }
        }
      });

      test('every Lightstick server reads the key-encryption key from the Secret, whose placeholder the loader refuses', () => {
        const servers = set.filter((o) =>
          containersOf(o).some((c) => isLightstick(c) && c.args?.[0] === 'serve'),
        );
        assert.equal(servers.length, 3, 'api, gateway and media');
        for (const d of servers) {
          const c = containersOf(d).find(isLightstick) ?? assert.fail('no Lightstick container');
          const ref = (name: string) => c.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
          assert.ok(ref('LIGHTSTICK_DATABASE_URL'), `${d.metadata.name} runs on PostgreSQL`);
          const kek = ref('LIGHTSTICK_KEY_ENCRYPTION_KEY') ?? assert.fail(`${d.metadata.name}: no KEK`);
          const value =
            secretValues(find(set, 'Secret', kek.name ?? '') as Doc)[kek.key] ?? assert.fail('no value');
          // PostgreSQL mode without it does not start; with the placeholder it does not start either.
          const withoutKek = loadConfig({ LIGHTSTICK_DATABASE_URL: 'postgres://x@postgres/lightstick' });
          assert.throws(() => requireKeyEncryption(withoutKek), ConfigError);
          assert.throws(
            () => loadConfig({ LIGHTSTICK_KEY_ENCRYPTION_KEY: value }),
            (e: unknown) => e instanceof ConfigError && /is a placeholder/.test(e.message),
            `${d.metadata.name}: the shipped placeholder must be refused`,
          );
        }
      });

      test('the admin password reaches the api pods alone (the one role that creates the account)', () => {
        for (const d of set.filter((o) =>
          containersOf(o).some((c) => isLightstick(c) && c.args?.[0] === 'serve'),
        )) {
          const c = containersOf(d).find(isLightstick) ?? assert.fail('no Lightstick container');
          const roles = loadConfig({}, c.args?.slice(1) ?? []).roles;
          assert.equal(
            c.env?.some((e) => e.name === 'LIGHTSTICK_ADMIN_PASSWORD') ?? false,
            roles.has('api'),
            `${d.metadata.name}: ${[...roles].join(',')}`,
          );
        }
      });

      test('every pod runs non-root under the restricted Pod Security profile, with resources set', () => {
        for (const o of set.filter((x) => podTemplate(x))) {
          const pod = podTemplate(o)?.spec;
          for (const c of pod?.containers ?? []) {
            const where = `${o.kind}/${o.metadata.name}/${c.name}`;
            const sc = c.securityContext ?? {};
            assert.equal(
              sc.runAsNonRoot ?? pod?.securityContext?.runAsNonRoot,
              true,
              `${where} runAsNonRoot`,
            );
            assert.notEqual(sc.runAsUser ?? pod?.securityContext?.runAsUser ?? 0, 0, `${where} runAsUser`);
            assert.equal(sc.allowPrivilegeEscalation, false, `${where} allowPrivilegeEscalation`);
            assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${where} capabilities`);
            assert.equal(
              (sc.seccompProfile ?? pod?.securityContext?.seccompProfile)?.type,
              'RuntimeDefault',
              where,
            );
            assert.ok(
              c.resources?.requests?.cpu && c.resources.requests.memory && c.resources.limits?.memory,
              where,
            );
            if (!isLightstick(c)) continue;
            assert.equal(sc.readOnlyRootFilesystem, true, `${where} read-only root`);
            const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
            assert.ok(pod?.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${where} /tmp emptyDir`);
          }
        }
      });

      test('/metrics is on the metrics port everywhere (config, containers, Services, annotations) and the Ingress never reaches it', () => {
        const config = (find(set, 'ConfigMap', 'lightstick-config')?.data ?? {}) as Record<string, string>;
        const listen = Number(config.PORT ?? 8080);
        const metrics = loadConfig(config).metrics.port ?? assert.fail('LIGHTSTICK_METRICS_PORT not set');
        assert.notEqual(metrics, listen);
        // The container port a Service port leads to (named or numbered target).
        const containerPortOf = (svc: Service, portName: string | undefined, portNumber?: number) => {
          const sp = (svc.spec?.ports ?? []).find((p) => p.name === portName || p.port === portNumber);
          const t = sp?.targetPort ?? sp?.port;
          const pod = workloadsSelectedBy(set, svc.spec?.selector)[0] ?? assert.fail('no workload');
          const ports = containersOf(pod).flatMap((c) => c.ports ?? []);
          return typeof t === 'string' ? ports.find((cp) => cp.name === t)?.containerPort : t;
        };
        for (const d of set.filter((o) => o.kind === 'Deployment' && containersOf(o).some(isLightstick))) {
          const c = containersOf(d).find(isLightstick) ?? assert.fail('no Lightstick container');
          assert.equal(c.args?.[0], 'serve', d.metadata.name);
          const port = (name: string) => c.ports?.find((p) => p.name === name)?.containerPort;
          assert.equal(port('metrics'), metrics, `${d.metadata.name}: container port "metrics"`);
          assert.equal(port('http'), listen, `${d.metadata.name}: container port "http"`);
          const notes = podTemplate(d)?.metadata?.annotations ?? {};
          assert.equal(notes['prometheus.io/scrape'], 'true', d.metadata.name);
          assert.equal(
            notes['prometheus.io/port'],
            String(metrics),
            `${d.metadata.name}: prometheus.io/port`,
          );
          assert.equal(notes['prometheus.io/path'], '/metrics', d.metadata.name);
        }
        const scraped = (set.filter((x) => x.kind === 'Service') as unknown as Service[]).filter(
          (s) => s.metadata?.labels?.['lightstick.io/metrics'] === 'true',
        );
        assert.equal(scraped.length, 3, 'api, gateway and media Services are scraped');
        for (const svc of scraped) {
          assert.equal(
            containerPortOf(svc, 'metrics'),
            metrics,
            `Service/${svc.metadata?.name} port "metrics"`,
          );
        }
        for (const ing of set.filter((x) => x.kind === 'Ingress') as unknown as Ingress[]) {
          for (const p of (ing.spec?.rules ?? []).flatMap((r) => r.http?.paths ?? [])) {
            const b = p.backend.service;
            const svc = find(set, 'Service', b?.name ?? '') as unknown as Service;
            const target = containerPortOf(svc, b?.port?.name, b?.port?.number);
            assert.equal(target, listen, `Ingress path ${p.path} reaches port ${target}, not the public one`);
          }
        }
      });

      test('Lightstick Deployments probe /readyz and /healthz on the port they listen on, and drain in time', () => {
        const config = (find(set, 'ConfigMap', 'lightstick-config')?.data ?? {}) as Record<string, string>;
        const listen = Number(config.PORT ?? 8080);
        const drainMs = Number(config.LIGHTSTICK_DRAIN_TIMEOUT_MS ?? assert.fail('drain timeout not set'));
        const deployments = set.filter((o) => o.kind === 'Deployment');
        assert.ok(deployments.length >= 2);
        for (const d of deployments) {
          const pod = podTemplate(d)?.spec;
          const c =
            pod?.containers.find(isLightstick) ?? assert.fail(`${d.metadata.name}: no Lightstick container`);
          const portOf = (p: number | string | undefined) =>
            typeof p === 'string' ? c.ports?.find((cp) => cp.name === p)?.containerPort : p;
          assert.equal(c.readinessProbe?.httpGet?.path, '/readyz', d.metadata.name);
          assert.equal(c.livenessProbe?.httpGet?.path, '/healthz', d.metadata.name);
          assert.equal(portOf(c.readinessProbe?.httpGet?.port), listen, `${d.metadata.name} readiness port`);
          assert.equal(portOf(c.livenessProbe?.httpGet?.port), listen, `${d.metadata.name} liveness port`);
          const pre = c.lifecycle?.preStop;
          const cmd = pre?.exec?.command ?? [];
          const sleepSec = pre?.sleep?.seconds ?? (cmd[0] === 'sleep' ? Number(cmd[1]) : NaN);
          assert.ok(sleepSec > 0, `${d.metadata.name}: preStop must sleep so endpoints go first`);
          const grace = pod?.terminationGracePeriodSeconds ?? 30;
          assert.ok(
            grace > sleepSec + drainMs / 1000,
            `${d.metadata.name}: grace ${grace} s <= ${sleepSec} + ${drainMs} ms`,
          );
        }
      });
    });
  }
});
