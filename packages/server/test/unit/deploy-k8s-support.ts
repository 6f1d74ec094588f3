/**
 * Support for the deploy-*.test.ts files: loads deploy/k8s the way `kubectl kustomize` renders it (the test
 * machine need not have kubectl), maps apiVersion/kind to kubernetes-models classes, and reads pod specs.
 * The renderer covers what the kustomizations here use: resources (files and folders), namespace, images,
 * and patches (`$patch: delete`, and strategic merge of maps where null deletes a key). Its output was
 * compared with `kubectl kustomize` 5.5 for both deploy/k8s and deploy/k8s/external: identical.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';

export const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
export const K8S = path.join(ROOT, 'deploy/k8s');
export const NS = 'lightstick';

export type Ctor = new (data: never) => { validate(): void; toJSON(): unknown };
export const MODELS: Record<string, Ctor> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};
export type Model = InstanceType<(typeof MODELS)[string]>;
export type Doc = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } };
export type Fields = Record<string, unknown>;
export const isMap = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every file a render has read: the tests check that no YAML file under deploy/k8s is left out. */
export const used = new Set<string>();
export function docsOf(text: string, where: string): Doc[] {
  return parseAllDocuments(text).flatMap((d) => {
    assert.equal(d.errors.length, 0, `${where}: ${d.errors.map((e) => e.message).join('; ')}`);
    const v: unknown = d.toJS();
    if (v === null) return [];
    assert.ok(
      isMap(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string',
      `${where}: not an object`,
    );
    return [v as Doc];
  });
}
export function load(file: string): Doc[] {
  used.add(file);
  return docsOf(readFileSync(file, 'utf8'), path.relative(ROOT, file));
}
/** Strategic merge for maps only (null deletes a key); lists would need merge keys, so they are refused. */
export function merge(base: unknown, patch: unknown, where: string): unknown {
  assert.ok(!Array.isArray(patch), `${where}: list patches are not supported by this renderer`);
  if (!isMap(patch) || !isMap(base)) return patch;
  const out: Fields = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v, where);
  }
  return out;
}
export const same = (a: Doc, b: Doc) => a.kind === b.kind && a.metadata.name === b.metadata.name;
export function render(dir: string): Doc[] {
  const kfile = path.join(dir, 'kustomization.yaml');
  used.add(kfile);
  const k = parse(readFileSync(kfile, 'utf8')) as Fields;
  let out: Doc[] = [];
  for (const r of (k.resources ?? []) as string[]) {
    const p = path.join(dir, r);
    out.push(...(statSync(p).isDirectory() ? render(p) : load(p)));
  }
  for (const p of (k.patches ?? []) as { path?: string; patch?: string }[]) {
    const docs = p.path ? load(path.join(dir, p.path)) : docsOf(p.patch ?? '', `${kfile} inline patch`);
    for (const d of docs) {
      const i = out.findIndex((o) => same(o, d));
      assert.ok(i >= 0, `${path.relative(ROOT, dir)}: patch targets missing ${d.kind}/${d.metadata.name}`);
      if (d.$patch === 'delete') out = out.filter((_, j) => j !== i);
      else out[i] = merge(out[i], d, `patch of ${d.kind}/${d.metadata.name}`) as Doc;
    }
  }
  if (typeof k.namespace === 'string') {
    for (const o of out) if (o.kind !== 'Namespace') (o.metadata as Fields).namespace = k.namespace;
  }
  for (const img of (k.images ?? []) as { name: string; newName?: string; newTag?: string }[]) {
    for (const c of out.flatMap((o) => containersOf(o))) {
      const [name, tag] = (c.image ?? '').split(':');
      if (name === img.name) c.image = `${img.newName ?? name}:${img.newTag ?? tag}`;
    }
  }
  return out;
}

export function podTemplate(o: Doc): IPodTemplateSpec | undefined {
  const spec = o.spec as Fields | undefined;
  return ['Deployment', 'StatefulSet', 'Job'].includes(o.kind)
    ? (spec?.template as IPodTemplateSpec)
    : undefined;
}
export function containersOf(o: Doc): IContainer[] {
  return podTemplate(o)?.spec?.containers ?? [];
}
export const isLightstick = (c: IContainer) => (c.image ?? '').split(':')[0]?.endsWith('lightstick') === true;
export const matches = (
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);
export const find = (set: Doc[], kind: string, name: string) =>
  set.find((o) => o.kind === kind && o.metadata.name === name);
export function workloadsSelectedBy(set: Doc[], selector: Record<string, string> | undefined): Doc[] {
  return set.filter(
    (o) =>
      ['Deployment', 'StatefulSet'].includes(o.kind) && matches(selector, podTemplate(o)?.metadata?.labels),
  );
}
export function secretValues(o: Doc): Record<string, string> {
  const data = Object.fromEntries(
    Object.entries((o.data ?? {}) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString(),
    ]),
  );
  return { ...data, ...((o.stringData ?? {}) as Record<string, string>) };
}
export function documentedVariables(): Set<string> {
  const md = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');
  return new Set([...md.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1] as string));
}
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(n) ? [p] : [];
  });
}
